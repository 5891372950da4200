"""The classroom: a class directory, the SSH server and its pre-forked sessions, the browser."""
