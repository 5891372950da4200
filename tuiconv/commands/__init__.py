"""One module per `tuiconv` subcommand: HELP, add_arguments(parser), run(args) -> int."""
