"""The subcommands of `huikuan`, one module per kind of user."""
