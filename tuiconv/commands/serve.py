"""`tuiconv serve DIR`: host a class over SSH (or, with --web, in a browser)."""

from __future__ import annotations

HELP = "host a class: learners log in with `ssh -p PORT NAME@HOST` (or a browser with --web)"


def add_arguments(parser) -> None:
    parser.add_argument("directory", metavar="DIR", help="a class directory (`tuiconv class init DIR` makes one)")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1; 0.0.0.0 for every network)")
    parser.add_argument("--port", type=int, default=None, metavar="P", help="port (default: 2222 for SSH, 8000 for --web; 0 picks a free one)")
    parser.add_argument("--web", action="store_true", help="serve in a browser (textual-serve) behind a name + class-code login")
    parser.add_argument("--max-sessions", type=int, default=60, metavar="N", help="sessions at once, in all (default: 60)")
    parser.add_argument("--max-per-learner", type=int, default=2, metavar="N", help="sessions at once per learner (default: 2)")
    parser.add_argument("--logins-per-minute", type=int, default=20, metavar="N", help="login attempts a minute from one address (default: 20)")
    parser.add_argument("--idle-minutes", type=float, default=30, metavar="M", help="end a session after M minutes without a key (default: 30)")
    parser.add_argument("--memory-mib", type=int, default=1024, metavar="MIB", help="address-space cap per session (default: 1024)")


def run(args) -> int:
    import asyncio
    from pathlib import Path

    from tuiconv.serve import classdir

    config = classdir.load(args.directory)  # one line and exit 2 if it is not a class
    for name, value, low in (("--max-sessions", args.max_sessions, 1), ("--max-per-learner", args.max_per_learner, 1),
                             ("--logins-per-minute", args.logins_per_minute, 1), ("--memory-mib", args.memory_mib, 256)):
        if value < low:
            raise ValueError(f"{name} must be at least {low}, not {value}")
    if args.idle_minutes <= 0:
        raise ValueError(f"--idle-minutes must be more than 0, not {args.idle_minutes:g}")
    if args.port is not None and not 0 <= args.port <= 65535:
        raise ValueError(f"--port must be from 0 to 65535, not {args.port}")
    from tuiconv.serve.ssh import Limits, serve

    limits = Limits(
        max_sessions=args.max_sessions, max_per_learner=args.max_per_learner,
        logins_per_minute=args.logins_per_minute, idle_seconds=args.idle_minutes * 60,
        memory_bytes=args.memory_mib * 1024 * 1024,
    )
    if args.web:
        from tuiconv.serve.web import serve_web

        return serve_web(config, args.host, 8000 if args.port is None else args.port, limits)
    port = 2222 if args.port is None else args.port
    asyncio.run(serve(Path(config.directory), args.host, port, limits))
    return 0
