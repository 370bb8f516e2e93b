"""Exports: the one Excel writer (``excel``) and the kernel's own workbooks (``organizations``)."""
