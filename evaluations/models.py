"""Models arrive with this capability's own issue."""
