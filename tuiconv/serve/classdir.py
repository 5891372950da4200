"""A class directory: ``class.toml`` (name, course, learners and their keys, class code), the
server's host key and the progress database. Everything a served learner can open lies in it.

``class.toml``::

    name = "Convolutions, autumn term"
    course = "built-in"            # or a lessons directory inside the class directory: "lessons"
    code = "orange-kite-42"        # optional: learners without a key log in with it
    [learners.ada]
    keys = ["ssh-ed25519 AAAAC3Nz... ada@laptop"]
    [learners.bea]                 # no key: logs in with her name and the class code
    keys = []

This module reads and writes that file and knows where the rest lives; it does no networking.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from tuiconv.errors import InputError

CONFIG = "class.toml"
HOST_KEY = "host_key"
DATABASE = "progress.db"
BUILTIN = "built-in"
# A roster of a few hundred learners with a few keys each is well under this.
CONFIG_CAP = 1024 * 1024
KEY_FILE_CAP = 64 * 1024
# Names appear in logs, on the teacher's screen and as SSH user names: keep them plain.
NAME = re.compile(r"[a-z][a-z0-9_-]{0,31}")


@dataclass
class Learner:
    name: str
    keys: list[str] = field(default_factory=list)


@dataclass
class ClassConfig:
    directory: Path
    name: str
    course: str = BUILTIN
    code: str | None = None
    learners: dict[str, Learner] = field(default_factory=dict)

    @property
    def config_path(self) -> Path:
        return self.directory / CONFIG

    @property
    def host_key_path(self) -> Path:
        return self.directory / HOST_KEY

    @property
    def database_path(self) -> Path:
        return self.directory / DATABASE

    def lessons_dir(self) -> Path | None:
        """The course's directory, or None for the built-in lessons."""
        if self.course == BUILTIN:
            return None
        return self.directory / self.course

    def save(self) -> None:
        """Write class.toml whole and rename it in, so a reader never sees half a roster."""
        lines = [f"name = {_toml_string(self.name)}", f"course = {_toml_string(self.course)}"]
        if self.code:
            lines.append(f"code = {_toml_string(self.code)}")
        for learner in self.learners.values():
            lines.append("")
            lines.append(f"[learners.{learner.name}]")
            lines.append("keys = [" + "".join(f"\n    {_toml_string(key)}," for key in learner.keys) + ("\n]" if learner.keys else "]"))
        temporary = self.config_path.with_name(f".{CONFIG}.{os.getpid()}.tmp")
        temporary.write_text("\n".join(lines) + "\n", encoding="utf-8")
        os.replace(temporary, self.config_path)


def _toml_string(text: str) -> str:
    # A JSON string is a valid TOML basic string (the same escapes, \uXXXX included).
    return json.dumps(text, ensure_ascii=True)


def check_name(name: str) -> str:
    if not NAME.fullmatch(name):
        raise InputError(f"{name!r} is not a learner name: a lower-case letter, then up to 31 of a-z, 0-9, _ and -")
    return name


def load(directory: str | Path) -> ClassConfig:
    """The class in ``directory``; InputError naming class.toml (and the line) if it is wrong."""
    folder = Path(directory).resolve()
    path = folder / CONFIG
    if not path.is_file():
        raise InputError(f"not a class directory (no {CONFIG}); `tuiconv class init {directory}` makes one", directory)
    if path.stat().st_size > CONFIG_CAP:
        raise InputError(f"larger than {CONFIG_CAP // 1024} KiB, not a class file", path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except UnicodeDecodeError:
        raise InputError("is not UTF-8 text", path) from None
    except tomllib.TOMLDecodeError as error:
        line = getattr(error, "lineno", None) or _line_of(str(error))
        raise InputError(str(error).split(" (at line")[0], path, line) from None
    config = ClassConfig(directory=folder, name=_text(data, "name", path, "the class"))
    config.course = _text(data, "course", path, BUILTIN)
    if config.course != BUILTIN:
        lessons = (folder / config.course).resolve()
        if not lessons.is_relative_to(folder) or lessons == folder:
            raise InputError(f'course "{config.course}" is not a directory inside the class directory', path)
    code = data.get("code")
    if code is not None and (not isinstance(code, str) or len(code) < 6):
        raise InputError("code must be text of at least 6 characters (or left out)", path)
    config.code = code or None
    learners = data.get("learners", {})
    if not isinstance(learners, dict):
        raise InputError("learners must be a table: [learners.NAME]", path)
    for name, entry in learners.items():
        try:
            check_name(name)
        except InputError as error:
            raise InputError(f"learners.{name}: {error.message}", path) from None
        keys = entry.get("keys", []) if isinstance(entry, dict) else None
        if not isinstance(keys, list) or not all(isinstance(key, str) for key in keys):
            raise InputError(f"learners.{name}: keys must be a list of OpenSSH public-key lines", path)
        config.learners[name] = Learner(name, keys)
    return config


def _text(data: dict, key: str, path: Path, default: str) -> str:
    value = data.get(key, default)
    if not isinstance(value, str) or not value.strip() or not value.isprintable():
        raise InputError(f"{key} must be printable text", path)
    return value


def _line_of(message: str) -> int | None:
    found = re.search(r"line (\d+)", message)
    return int(found.group(1)) if found else None


def init(directory: str | Path, name: str | None = None, course: str = BUILTIN, code: bool = False) -> ClassConfig:
    """Make a class directory: class.toml, a host key, an empty progress database."""
    import asyncssh

    from tuiconv.course.progress import ClassProgress

    folder = Path(directory)
    if (folder / CONFIG).exists():
        raise InputError(f"already a class directory ({CONFIG} exists)", folder)
    folder.mkdir(parents=True, exist_ok=True)
    folder.chmod(0o700)  # the host key and every learner's progress are in it
    config = ClassConfig(directory=folder.resolve(), name=name or folder.resolve().name, course=course)
    if code:
        config.code = "-".join(secrets.token_hex(3) for _ in range(3))
    key = asyncssh.generate_private_key("ssh-ed25519")
    descriptor = os.open(config.host_key_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as out:
        out.write(key.export_private_key())
    config.save()
    ClassProgress(config.database_path).close()
    return config


def read_public_keys(path: str | Path) -> list[str]:
    """The OpenSSH public-key lines of ``path`` (each checked); InputError at the first bad one."""
    import asyncssh

    from tuiconv.engine.files import read_bytes

    data = read_bytes(path, "public key")
    if len(data) > KEY_FILE_CAP:
        raise InputError(f"larger than {KEY_FILE_CAP // 1024} KiB, not a public-key file", path)
    keys = []
    for number, line in enumerate(data.decode("utf-8", "replace").splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if "PRIVATE KEY" in line:
            raise InputError("this is a private key: give the .pub file, and keep this one secret", path, number)
        try:
            asyncssh.import_public_key(line)
        except (asyncssh.KeyImportError, ValueError) as error:
            raise InputError(f"not an OpenSSH public key ({error})", path, number) from None
        keys.append(line)
    if not keys:
        raise InputError("no public key in it", path)
    return keys


def add(directory: str | Path, name: str, key_file: str | None) -> ClassConfig:
    config = load(directory)
    check_name(name)
    keys = read_public_keys(key_file) if key_file else []
    if name in config.learners:
        known = config.learners[name].keys
        known.extend(key for key in keys if key not in known)
    else:
        config.learners[name] = Learner(name, keys)
    config.save()
    return config


def remove(directory: str | Path, name: str) -> ClassConfig:
    config = load(directory)
    if name not in config.learners:
        raise InputError(f"no learner {name!r} in this class; learners: {', '.join(config.learners) or 'none yet'}", config.config_path)
    del config.learners[name]
    config.save()
    return config
