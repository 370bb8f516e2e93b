"""API viewsets of the progress area, registered on the shared router by `register`."""


def register(router) -> None:
    pass
