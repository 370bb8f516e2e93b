"""API viewsets of the publishing area, registered on the shared router by `register`."""


def register(router) -> None:
    pass
