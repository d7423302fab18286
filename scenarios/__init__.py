"""huikuan package."""
