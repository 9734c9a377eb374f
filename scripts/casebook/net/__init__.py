"""The network checks (`casebook links`, `casebook verify-sources`): an optional extra, never on the build path."""
