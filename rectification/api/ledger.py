"""API viewsets of the ledger area, registered on the shared router by `register`."""


def register(router) -> None:
    pass
