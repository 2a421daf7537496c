"""UserFileSystemTools on a real file system: hostile paths, limits, binary files, atomic writes, search.

Most tests use `bucket`: a real Workspace row, memberships and bucket directory, but no
workspace PostgreSQL database (the file tools never touch it, and creating one costs ~0.4 s).
Role tests use conftest's `roles`, a complete workspace.
"""

import errno
import hashlib
import json
import os
import random
import shutil
import signal
import stat
from datetime import datetime
from pathlib import Path

import pytest

from hexa.assistant.executors import bucket as bucket_module
from hexa.assistant.executors import reading as reading_module
from hexa.assistant.executors import search as search_module
from hexa.assistant.executors.files import UserFileSystemTools
from hexa.files.api import bucket_path, generate_bucket_name
from hexa.workspaces.models import Workspace, WorkspaceMembership, WorkspaceMembershipRole

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"


def ok(result):
    """The result, after checking it is JSON (also as UTF-8, which lone surrogates would break)."""
    json.dumps(result, ensure_ascii=False).encode("utf-8")
    assert "error" not in result, result
    return result


def error(result, code):
    json.dumps(result, ensure_ascii=False).encode("utf-8")
    assert "error" in result, result
    assert result["error"]["code"] == code, result
    assert isinstance(result["error"]["message"], str) and len(result["error"]["message"]) > 20
    return result["error"]


class Bucket:
    def __init__(self, workspace, user):
        self.workspace = workspace
        self.user = user
        self.root = bucket_path(workspace.bucket_name)
        self.fs = UserFileSystemTools(user, workspace)

    def put(self, rel, data=b"", mode=None):
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data.encode() if isinstance(data, str) else data)
        if mode is not None:
            path.chmod(mode)
        return path

    def everything(self):
        """Every path under the root, hidden ones included."""
        return sorted(str(p.relative_to(self.root)) for p in self.root.rglob("*"))


@pytest.fixture
def bucket(make_user):
    owner = make_user()
    name = generate_bucket_name("files")
    workspace = Workspace.objects.create(
        name="Files", slug=name, bucket_name=name, db_name=name.replace("-", "_"),
        db_password="unused", db_ro_password="unused", created_by=owner,
    )
    WorkspaceMembership.objects.create(workspace=workspace, user=owner, role=WorkspaceMembershipRole.ADMIN)
    root = bucket_path(name)
    root.mkdir(parents=True)
    yield Bucket(workspace, owner)
    shutil.rmtree(root, ignore_errors=True)
    shutil.rmtree(root.parent / f"{name}-evil", ignore_errors=True)


@pytest.fixture
def outside(tmp_path):
    """A directory outside every bucket, holding a secret."""
    directory = tmp_path / "outside"
    directory.mkdir()
    (directory / "secret.txt").write_text("TOP SECRET")
    return directory


def run_with_timeout(fn, seconds=5):
    """Call fn with an alarm: a call that blocks (e.g. opening a FIFO) fails the test instead of
    hanging it. A signal rather than a thread, because a thread would not share the test's
    database transaction (the membership check would not see the test's rows)."""

    def hung(signum, frame):
        raise TimeoutError("the call hung")

    previous = signal.signal(signal.SIGALRM, hung)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        return fn()
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


# ---------------------------------------------------------------------- hostile paths


class TestHostilePaths:
    def test_dot_dot_to_etc_passwd(self, bucket):
        for call in (
            lambda p: bucket.fs.read_file(p),
            lambda p: bucket.fs.list_files(p),
            lambda p: bucket.fs.write_file(p, "x"),
            lambda p: bucket.fs.search_files("*", path=p),
        ):
            assert "'..'" in error(call("../../etc/passwd"), "INVALID_PATH")["message"]
        assert bucket.everything() == []

    def test_absolute_path_means_bucket_root(self, bucket):
        assert "root" in error(bucket.fs.read_file("/etc/passwd"), "NOT_FOUND")["message"]
        bucket.put("etc/passwd", "bucket copy\n")
        assert ok(bucket.fs.read_file("/etc/passwd"))["content"] == "bucket copy\n"

    def test_dot_dot_inside_path(self, bucket):
        bucket.put("data/x", "inside")
        error(bucket.fs.read_file("data/../../x"), "INVALID_PATH")
        error(bucket.fs.read_file("data/../x"), "INVALID_PATH")  # even when it would stay inside

    def test_sibling_bucket_with_same_prefix(self, bucket):
        evil = bucket.root.parent / f"{bucket.root.name}-evil"
        evil.mkdir()
        (evil / "secret.txt").write_text("TOP SECRET")
        error(bucket.fs.read_file(f"../{evil.name}/secret.txt"), "INVALID_PATH")
        # Through a link, the resolved path "<root>-evil/secret.txt" starts with the root's
        # string: only a whole-component comparison refuses it.
        os.symlink(evil, bucket.root / "evil")
        for result in (bucket.fs.read_file("evil/secret.txt"), bucket.fs.list_files("evil"), bucket.fs.write_file("evil/new.txt", "x")):
            assert "TOP SECRET" not in json.dumps(result)
            error(result, "INVALID_PATH")
        assert sorted(os.listdir(evil)) == ["secret.txt"]

    def test_link_to_filesystem_root(self, bucket):
        os.symlink("/", bucket.root / "link")
        error(bucket.fs.read_file("link/etc/passwd"), "INVALID_PATH")
        error(bucket.fs.list_files("link"), "INVALID_PATH")
        error(bucket.fs.list_files("link/etc"), "INVALID_PATH")
        error(bucket.fs.search_files("*passwd*", path="link"), "INVALID_PATH")
        assert ok(bucket.fs.search_files("*passwd*"))["matches"] == []  # the walk does not follow it

    def test_link_to_file_outside(self, bucket, outside):
        os.symlink(outside / "secret.txt", bucket.root / "notes.txt")
        result = bucket.fs.read_file("notes.txt")
        error(result, "INVALID_PATH")
        assert "TOP SECRET" not in json.dumps(result)
        entry = ok(bucket.fs.list_files())["entries"][0]
        assert entry["type"] == "symlink" and entry["target_inside"] is False and "target_type" not in entry

    def test_write_through_parent_link_outside_writes_nothing(self, bucket, outside):
        os.symlink(outside, bucket.root / "out")
        error(bucket.fs.write_file("out/new.txt", "x"), "INVALID_PATH")
        error(bucket.fs.write_file("out/sub/deeper/new.txt", "x"), "INVALID_PATH")
        error(bucket.fs.write_file("out/secret.txt", "overwritten"), "INVALID_PATH")
        error(bucket.fs.preview_write("out/new.txt", "x"), "INVALID_PATH")
        assert sorted(os.listdir(outside)) == ["secret.txt"]
        assert (outside / "secret.txt").read_text() == "TOP SECRET"

    def test_write_onto_link_is_refused(self, bucket, outside):
        os.symlink(outside / "secret.txt", bucket.root / "out.txt")
        bucket.put("real.txt", "original")
        os.symlink("real.txt", bucket.root / "alias.txt")
        error(bucket.fs.write_file("out.txt", "overwritten"), "NOT_A_FILE")
        error(bucket.fs.write_file("alias.txt", "overwritten"), "NOT_A_FILE")
        assert (outside / "secret.txt").read_text() == "TOP SECRET"
        assert (bucket.root / "real.txt").read_text() == "original"
        assert (bucket.root / "alias.txt").is_symlink()

    def test_dangling_links(self, bucket, outside):
        os.symlink("missing.csv", bucket.root / "dangling.csv")
        os.symlink(outside / "missing.csv", bucket.root / "dangling-out.csv")
        error(bucket.fs.read_file("dangling.csv"), "NOT_FOUND")
        error(bucket.fs.read_file("dangling-out.csv"), "INVALID_PATH")
        error(bucket.fs.write_file("dangling.csv", "x"), "NOT_A_FILE")
        error(bucket.fs.write_file("dangling-out.csv", "x"), "NOT_A_FILE")
        assert not (bucket.root / "missing.csv").exists() and not (outside / "missing.csv").exists()
        entries = {e["name"]: e for e in ok(bucket.fs.list_files())["entries"]}
        assert entries["dangling.csv"]["target_type"] == "missing"

    def test_link_loop(self, bucket):
        os.symlink("b", bucket.root / "a")
        os.symlink("a", bucket.root / "b")
        error(bucket.fs.read_file("a"), "INVALID_PATH")
        error(bucket.fs.read_file("a/x"), "INVALID_PATH")
        error(bucket.fs.list_files("a"), "INVALID_PATH")

    def test_link_inside_pointing_inside_is_followed_for_reading(self, bucket):
        bucket.put("data/real.csv", "a,b\n")
        os.symlink("data", bucket.root / "alias")
        os.symlink("data/real.csv", bucket.root / "latest.csv")
        assert ok(bucket.fs.read_file("latest.csv"))["content"] == "a,b\n"
        assert ok(bucket.fs.read_file("alias/real.csv"))["content"] == "a,b\n"
        assert [e["path"] for e in ok(bucket.fs.list_files("alias"))["entries"]] == ["alias/real.csv"]
        entries = {e["name"]: e for e in ok(bucket.fs.list_files())["entries"]}
        assert entries["latest.csv"] | {"modified": None} == {
            "name": "latest.csv", "path": "latest.csv", "type": "symlink", "modified": None,
            "target_inside": True, "target_type": "file",
        }
        # The search neither follows nor reports links: real.csv is found once, by its real path.
        assert [m["path"] for m in ok(bucket.fs.search_files("*.csv"))["matches"]] == ["data/real.csv"]

    def test_fifo_is_never_opened(self, bucket):
        os.mkfifo(bucket.root / "pipe.csv")
        error(run_with_timeout(lambda: bucket.fs.read_file("pipe.csv")), "NOT_A_FILE")
        error(run_with_timeout(lambda: bucket.fs.read_file("pipe.csv", start_line=2)), "NOT_A_FILE")
        error(run_with_timeout(lambda: bucket.fs.write_file("pipe.csv", "x")), "NOT_A_FILE")
        error(run_with_timeout(lambda: bucket.fs.preview_write("pipe.csv", "x")), "NOT_A_FILE")
        assert ok(run_with_timeout(lambda: bucket.fs.search_files("*", contains="x")))["matches"] == []
        assert ok(bucket.fs.list_files())["entries"][0]["type"] == "other"
        assert stat.S_ISFIFO(os.lstat(bucket.root / "pipe.csv").st_mode)

    def test_fifo_swapped_in_after_the_check_does_not_block(self, bucket, monkeypatch):
        """The race the lstat cannot close: O_NONBLOCK makes the open return, fstat refuses it."""
        bucket.put("data.csv", "a\n")
        real_stat = os.stat

        def stat_then_swap(path, *args, **kwargs):
            result = real_stat(path, *args, **kwargs)
            if path == "data.csv" and kwargs.get("dir_fd") is not None:
                os.unlink(bucket.root / "data.csv")
                os.mkfifo(bucket.root / "data.csv")
            return result

        monkeypatch.setattr(os, "stat", stat_then_swap)
        error(run_with_timeout(lambda: bucket.fs.read_file("data.csv")), "INVALID_PATH")

    def test_folder_swapped_for_outside_link_after_resolving(self, bucket, outside, monkeypatch):
        """Between resolve() and the open, "d" becomes a link to outside: the O_NOFOLLOW walk refuses."""
        bucket.put("d/secret.txt", "inside")
        real_resolve = bucket_module.Bucket.resolve

        def resolve_then_swap(self, rel):
            parts = real_resolve(self, rel)
            if (bucket.root / "d").is_dir() and not (bucket.root / "d").is_symlink():
                shutil.rmtree(bucket.root / "d")
                os.symlink(outside, bucket.root / "d")
            return parts

        monkeypatch.setattr(bucket_module.Bucket, "resolve", resolve_then_swap)
        result = bucket.fs.read_file("d/secret.txt")
        error(result, "INVALID_PATH")
        assert "TOP SECRET" not in json.dumps(result)
        os.unlink(bucket.root / "d")
        bucket.put("d/keep.txt", "inside")
        error(bucket.fs.write_file("d/new.txt", "x"), "INVALID_PATH")
        assert sorted(os.listdir(outside)) == ["secret.txt"]

    def test_nul_byte(self, bucket):
        bucket.put("a.csv", "a\n")
        assert "NUL" in error(bucket.fs.read_file("a.csv\x00.png"), "INVALID_PATH")["message"]
        error(bucket.fs.write_file("a.csv\x00.png", "x"), "INVALID_PATH")

    def test_backslash_traversal(self, bucket):
        assert "'/'" in error(bucket.fs.read_file("..\\..\\x"), "INVALID_PATH")["message"]
        error(bucket.fs.write_file("..\\..\\x", "x"), "INVALID_PATH")
        assert bucket.everything() == []

    def test_very_long_path(self, bucket):
        message = error(bucket.fs.read_file("a/" * 2500), "INVALID_PATH")["message"]
        assert "5000" in message and len(message) < 300
        error(bucket.fs.write_file("a/" * 2499 + "b", "x"), "INVALID_PATH")

    def test_long_component(self, bucket):
        error(bucket.fs.read_file("x" * 300), "INVALID_PATH")
        error(bucket.fs.write_file("d/" + "é" * 128, "x"), "INVALID_PATH")  # 256 bytes in UTF-8
        assert ok(bucket.fs.write_file("d/" + "x" * 255, "x"))["created"] is True

    def test_control_characters_and_bad_unicode(self, bucket):
        error(bucket.fs.read_file("a\nb.csv"), "INVALID_PATH")
        error(bucket.fs.read_file("a\ud800.csv"), "INVALID_PATH")

    def test_wrong_argument_types(self, bucket):
        error(bucket.fs.read_file(["a.csv"]), "INVALID_INPUT")
        error(bucket.fs.read_file("a.csv", start_line="1"), "INVALID_INPUT")
        error(bucket.fs.read_file(), "INVALID_INPUT")
        error(bucket.fs.list_files(recursive=True), "INVALID_INPUT")
        error(bucket.fs.write_file("a.txt", b"bytes"), "INVALID_INPUT")

    def test_missing_bucket_directory(self, bucket):
        shutil.rmtree(bucket.root)
        for result in (bucket.fs.list_files(), bucket.fs.read_file("a.csv"), bucket.fs.search_files("*"), bucket.fs.write_file("a.txt", "x")):
            assert "bucket" in error(result, "NOT_FOUND")["message"]
        assert not bucket.root.exists()

    def test_os_errors_are_typed(self, bucket, monkeypatch):
        bucket.put("locked.csv", "a\n")
        real_open = os.open

        def refuse(path, *args, **kwargs):
            if path == "locked.csv":
                raise PermissionError(errno.EACCES, "Permission denied")
            if path == "broken.csv":
                raise OSError(errno.EIO, "Input/output error")
            return real_open(path, *args, **kwargs)

        monkeypatch.setattr(os, "open", refuse)
        error(bucket.fs.read_file("locked.csv"), "PERMISSION_DENIED")
        bucket.put("broken.csv", "a\n")
        assert "Input/output error" in error(bucket.fs.read_file("broken.csv"), "IO_ERROR")["message"]


# ---------------------------------------------------------------------- roles


class TestRoles:
    def test_write_needs_editor_or_admin(self, roles):
        workspace = roles["workspace"]
        root = bucket_path(workspace.bucket_name)
        for role in ("viewer", "outsider"):
            fs = UserFileSystemTools(roles[role], workspace)
            assert "editors and admins" in error(fs.write_file("notes/a.md", "x"), "PERMISSION_DENIED")["message"]
            error(fs.preview_write("notes/a.md", "x"), "PERMISSION_DENIED")
        assert list(root.iterdir()) == []
        for role in ("editor", "admin"):
            assert ok(UserFileSystemTools(roles[role], workspace).write_file(f"notes/{role}.md", "x"))["created"]
        assert ok(UserFileSystemTools(roles["viewer"], workspace).read_file("notes/editor.md"))["content"] == "x"

    def test_roles_are_checked_at_call_time(self, roles):
        workspace = roles["workspace"]
        fs = UserFileSystemTools(roles["editor"], workspace)
        assert ok(fs.write_file("a.md", "1"))
        WorkspaceMembership.objects.filter(user=roles["editor"]).update(role=WorkspaceMembershipRole.VIEWER)
        error(fs.write_file("a.md", "2"), "PERMISSION_DENIED")
        assert ok(fs.read_file("a.md"))["content"] == "1"
        WorkspaceMembership.objects.filter(user=roles["editor"]).delete()
        for result in (fs.read_file("a.md"), fs.list_files(), fs.search_files("*")):
            error(result, "PERMISSION_DENIED")
        outsider = UserFileSystemTools(roles["outsider"], workspace)
        assert "1" not in json.dumps(error(outsider.read_file("a.md"), "PERMISSION_DENIED"))


# ---------------------------------------------------------------------- list_files


class TestListFiles:
    def test_folders_first_then_files_case_insensitive_hidden_counted(self, bucket):
        for name in ("b.csv", "A.txt", "c.json", ".env", ".cache/x"):
            bucket.put(name, "12345")
        for folder in ("zeta", "Alpha", "beta", ".git"):
            (bucket.root / folder).mkdir(exist_ok=True)
        result = ok(bucket.fs.list_files(""))
        assert [(e["name"], e["type"]) for e in result["entries"]] == [
            ("Alpha", "directory"), ("beta", "directory"), ("zeta", "directory"),
            ("A.txt", "file"), ("b.csv", "file"), ("c.json", "file"),
        ]
        assert result["hidden_count"] == 3 and result["total"] == 6 and result["has_more"] is False
        files = {e["name"]: e for e in result["entries"]}
        assert files["b.csv"]["size"] == 5 and "size" not in files["beta"]
        assert datetime.fromisoformat(files["b.csv"]["modified"]).utcoffset().total_seconds() == 0
        assert ok(bucket.fs.list_files("/")) == ok(bucket.fs.list_files(".")) == result

    def test_pagination(self, bucket):
        for i in range(7):
            bucket.put(f"data/f{i}.csv")
        (bucket.root / "data/sub").mkdir()
        first = ok(bucket.fs.list_files("data", page=1, per_page=3))
        assert [e["path"] for e in first["entries"]] == ["data/sub", "data/f0.csv", "data/f1.csv"]
        assert (first["total"], first["page"], first["per_page"], first["has_more"]) == (8, 1, 3, True)
        last = ok(bucket.fs.list_files("data/", page=3, per_page=3))
        assert [e["name"] for e in last["entries"]] == ["f5.csv", "f6.csv"] and last["has_more"] is False
        past = ok(bucket.fs.list_files("data", page=4, per_page=3))
        assert past["entries"] == [] and "3 page(s)" in past["note"]

    def test_bad_pagination(self, bucket):
        for kwargs in ({"page": 0}, {"per_page": 0}, {"per_page": 501}, {"page": True}, {"per_page": "10"}):
            error(bucket.fs.list_files(**kwargs), "INVALID_INPUT")
        assert ok(bucket.fs.list_files(per_page=500))["per_page"] == 500

    def test_not_a_folder_and_missing(self, bucket):
        bucket.put("a.csv", "x")
        assert "list_files or search_files" in error(bucket.fs.list_files("missing"), "NOT_FOUND")["message"]
        error(bucket.fs.list_files("a.csv"), "NOT_A_DIRECTORY")
        error(bucket.fs.list_files("a.csv/x"), "NOT_A_DIRECTORY")

    def test_undecodable_file_name(self, bucket):
        os.close(os.open(os.fsencode(bucket.root) + b"/caf\xe9.csv", os.O_CREAT | os.O_WRONLY))
        assert ok(bucket.fs.list_files())["entries"][0]["name"] == "caf\ufffd.csv"
        assert ok(bucket.fs.search_files("*.csv"))["matches"][0]["path"] == "caf\ufffd.csv"

    def test_only_the_page_is_stat_ed(self, bucket, monkeypatch):
        for i in range(300):
            bucket.put(f"f{i:03}.txt")
        calls = []
        real_stat = os.stat
        monkeypatch.setattr(os, "stat", lambda *a, **k: calls.append(a[0]) or real_stat(*a, **k))
        assert len(ok(bucket.fs.list_files(per_page=10))["entries"]) == 10
        assert len(calls) == 10


# ---------------------------------------------------------------------- read_file


class TestReadFile:
    def test_utf8_text_with_accents(self, bucket):
        text = "district,cas\nKénéma,12\nBò,3\n"
        bucket.put("data/cases.csv", text)
        result = ok(bucket.fs.read_file("data/cases.csv"))
        # a CSV also gets what the query engine makes of it (tests/test_file_query.py), beside its text
        assert set(result) - {"dialect", "columns", "total_rows"} == {
            "path", "content", "size", "truncated", "start_line", "end_line", "encoding"}
        assert {key: result[key] for key in result if key not in ("dialect", "columns", "total_rows")} == {
            "path": "data/cases.csv", "content": text, "size": len(text.encode()), "truncated": False,
            "start_line": 1, "end_line": 3, "encoding": "utf-8",
        }

    def test_empty_file_and_bom(self, bucket):
        bucket.put("empty.txt")
        result = ok(bucket.fs.read_file("empty.txt"))
        assert (result["content"], result["start_line"], result["end_line"], result["truncated"]) == ("", 1, 0, False)
        bucket.put("bom.csv", b"\xef\xbb\xbfa,b\n")
        assert ok(bucket.fs.read_file("bom.csv"))["content"] == "a,b\n"

    def test_png_is_binary(self, bucket):
        bucket.put("img/chart.png", PNG)
        details = error(bucket.fs.read_file("img/chart.png"), "BINARY_FILE")
        assert details["size"] == len(PNG) and details["mime_type"] == "image/png" and "PNG" in details["kind"]

    def test_random_bytes_are_binary(self, bucket):
        bucket.put("blob.dat", random.Random(7).randbytes(20_000))
        assert error(bucket.fs.read_file("blob.dat"), "BINARY_FILE")["size"] == 20_000

    def test_xlsx_and_latin1_are_binary_with_advice(self, bucket):
        # spreadsheets are read as tables now; a broken one says why, and what to ask for
        bucket.put("report.xlsx", b"PK\x03\x04" + b"a" * 100)
        assert "CSV" in error(bucket.fs.read_file("report.xlsx"), "UNREADABLE_FILE")["message"]
        bucket.put("latin1.csv", "Kénéma\n".encode("latin-1"))
        assert error(bucket.fs.read_file("latin1.csv"), "BINARY_FILE")["kind"] == "not UTF-8 text"

    def test_multibyte_character_cut_by_sniff_window_is_text(self, bucket):
        data = b"a" * (reading_module.SNIFF_BYTES - 1) + "é".encode() + b"\n"
        bucket.put("edge.txt", data)
        assert ok(bucket.fs.read_file("edge.txt"))["content"] == data.decode()

    def test_cap_truncates_at_a_line_and_says_how_to_continue(self, bucket, settings):
        settings.ASSISTANT_READ_MAX_BYTES = 100
        lines = [f"row {i:05}\n" for i in range(1, 51)]  # 10 bytes each
        bucket.put("big.csv", "".join(lines))
        result = ok(bucket.fs.read_file("big.csv"))
        assert result["content"] == "".join(lines[:10])
        assert (result["truncated"], result["start_line"], result["end_line"], result["size"]) == (True, 1, 10, 500)
        assert "start_line=11" in result["note"]
        result = ok(bucket.fs.read_file("big.csv", start_line=11))
        assert result["content"] == "".join(lines[10:20]) and result["end_line"] == 20
        last = ok(bucket.fs.read_file("big.csv", start_line=45))
        assert last["content"] == "".join(lines[44:]) and last["truncated"] is False and "note" not in last

    def test_cap_never_splits_a_character(self, bucket, settings):
        settings.ASSISTANT_READ_MAX_BYTES = 51
        bucket.put("accents.txt", "é" * 100)  # one 200-byte line
        result = ok(bucket.fs.read_file("accents.txt"))
        assert result["content"] == "é" * 25 and result["truncated"] is True
        assert "longer than 51 bytes" in result["note"] and result["end_line"] == 1

    def test_line_ranges(self, bucket):
        bucket.put("l.txt", "one\ntwo\nthree\nfour\nfive")  # no final newline
        read = bucket.fs.read_file
        assert ok(read("l.txt", start_line=2, end_line=4))["content"] == "two\nthree\nfour\n"
        assert ok(read("l.txt", start_line=5))["content"] == "five"
        assert ok(read("l.txt", end_line=2))["content"] == "one\ntwo\n"
        beyond = ok(read("l.txt", start_line=4, end_line=99))
        assert (beyond["content"], beyond["end_line"], beyond["truncated"]) == ("four\nfive", 5, False)
        assert error(read("l.txt", start_line=6), "INVALID_INPUT")["line_count"] == 5
        bucket.put("n.txt", "a\nb\n")
        assert error(read("n.txt", start_line=3), "INVALID_INPUT")["line_count"] == 2
        assert error(read("n.txt", start_line=30), "INVALID_INPUT")["line_count"] == 2
        error(read("l.txt", start_line=3, end_line=2), "INVALID_INPUT")
        error(read("l.txt", start_line=0), "INVALID_INPUT")
        error(read("l.txt", end_line=True), "INVALID_INPUT")

    def test_line_ranges_across_chunk_boundaries(self, bucket, monkeypatch):
        monkeypatch.setattr(reading_module, "SKIP_CHUNK", 7)
        monkeypatch.setattr(reading_module, "READ_CHUNK", 5)
        rng = random.Random(3)
        lines = ["x" * rng.randint(0, 12) + "\n" for _ in range(60)]
        bucket.put("r.txt", "".join(lines))
        for start in range(1, 61, 7):
            for end in (start, start + 1, start + 9, 70):
                result = ok(bucket.fs.read_file("r.txt", start_line=start, end_line=end))
                assert result["content"] == "".join(lines[start - 1 : end]), (start, end)
                assert result["end_line"] == min(end, 60)

    def test_head_of_a_huge_file_reads_only_the_cap(self, bucket, settings, monkeypatch):
        settings.ASSISTANT_READ_MAX_BYTES = 1000
        path = bucket.put("huge.csv", "a,b,c\n" * 10_000)
        with open(path, "r+b") as f:
            f.truncate(200 * 1024 * 1024)  # sparse: 200 MB that are never written
        read = []
        real_read, real_pread = os.read, os.pread
        monkeypatch.setattr(os, "read", lambda fd, n: read.append(n) or real_read(fd, n))
        monkeypatch.setattr(os, "pread", lambda fd, n, o: read.append(n) or real_pread(fd, n, o))
        result = ok(bucket.fs.read_file("huge.csv"))
        assert result["truncated"] is True and result["size"] == 200 * 1024 * 1024
        assert len(result["content"]) <= 1000 and result["content"].endswith("a,b,c\n")
        assert sum(read) <= 1000 + reading_module.READ_CHUNK + reading_module.SNIFF_BYTES

    def test_folder_and_missing(self, bucket):
        bucket.put("data/a.csv", "x")
        assert "list_files" in error(bucket.fs.read_file("data"), "NOT_A_FILE")["message"]
        error(bucket.fs.read_file(""), "NOT_A_FILE")
        error(bucket.fs.read_file("data/b.csv"), "NOT_FOUND")
        error(bucket.fs.read_file("data/a.csv/b"), "NOT_A_DIRECTORY")

    def test_hidden_file_can_be_read_when_named(self, bucket):
        bucket.put(".config/settings.txt", "x=1\n")
        assert ok(bucket.fs.read_file(".config/settings.txt"))["content"] == "x=1\n"


# ---------------------------------------------------------------------- writing


def temporaries(root):
    return [p for p in Path(root).rglob("*") if ".assistant-write-" in p.name]


class TestWriteFile:
    def test_create_then_overwrite(self, bucket):
        first = ok(bucket.fs.write_file("notes/2024/summary.md", "# Résumé\n"))
        assert first == {"path": "notes/2024/summary.md", "created": True, "size": len("# Résumé\n".encode())}
        assert (bucket.root / "notes/2024/summary.md").read_text() == "# Résumé\n"
        second = ok(bucket.fs.write_file("/notes/2024/summary.md", "v2"))
        assert second == {"path": "notes/2024/summary.md", "created": False, "size": 2, "previous_size": first["size"]}
        assert (bucket.root / "notes/2024/summary.md").read_text() == "v2"
        assert temporaries(bucket.root) == []

    def test_overwrite_keeps_permissions_new_file_follows_umask(self, bucket):
        bucket.put("shared.csv", "a", mode=0o640)
        ok(bucket.fs.write_file("shared.csv", "b"))
        assert stat.S_IMODE(os.stat(bucket.root / "shared.csv").st_mode) == 0o640
        ok(bucket.fs.write_file("new.csv", "b"))
        umask = os.umask(0)
        os.umask(umask)
        assert stat.S_IMODE(os.stat(bucket.root / "new.csv").st_mode) == 0o666 & ~umask

    def test_failed_write_leaves_the_old_file_and_no_temporary(self, bucket, monkeypatch):
        bucket.put("data.csv", "original")

        def full_disk(*args, **kwargs):
            raise OSError(errno.ENOSPC, "No space left on device")

        monkeypatch.setattr(os, "replace", full_disk)
        assert "full" in error(bucket.fs.write_file("data.csv", "new"), "IO_ERROR")["message"]
        assert (bucket.root / "data.csv").read_text() == "original"
        assert temporaries(bucket.root) == []

    def test_size_cap(self, bucket, settings):
        settings.ASSISTANT_WRITE_MAX_BYTES = 10
        details = error(bucket.fs.write_file("a.txt", "é" * 6), "FILE_TOO_LARGE")  # 12 bytes
        assert (details["size"], details["max_size"]) == (12, 10)
        assert ok(bucket.fs.write_file("a.txt", "é" * 5))["size"] == 10
        error(bucket.fs.write_file("deep/b.txt", "x" * 11), "FILE_TOO_LARGE")
        assert bucket.everything() == ["a.txt"]

    def test_refused_targets(self, bucket):
        (bucket.root / "folder").mkdir()
        bucket.put("file.csv", "x")
        error(bucket.fs.write_file("folder", "x"), "NOT_A_FILE")
        for path in ("", ".", "/", "folder/", "new/"):
            error(bucket.fs.write_file(path, "x"), "INVALID_PATH")
        for path in (".env", "notes/.hidden.md", ".git/config"):
            assert "hidden" in error(bucket.fs.write_file(path, "x"), "INVALID_PATH")["message"]
        error(bucket.fs.write_file("file.csv/inner.txt", "x"), "NOT_A_DIRECTORY")
        error(bucket.fs.write_file("file.csv/a/b/inner.txt", "x"), "NOT_A_DIRECTORY")
        error(bucket.fs.write_file("a.txt", "\ud800"), "INVALID_INPUT")
        assert bucket.everything() == ["file.csv", "folder"]
        assert (bucket.root / "file.csv").read_text() == "x"

    def test_preview_checks_without_writing(self, bucket):
        new = ok(bucket.fs.preview_write("drafts/plan.md", "# Plan\n"))
        assert new == {"path": "drafts/plan.md", "created": True, "size": 7, "current_content": None, "current_sha256": None}
        assert bucket.everything() == []
        bucket.put("data.csv", "a,b\n")
        existing = ok(bucket.fs.preview_write("data.csv", "a,b\n1,2\n"))
        assert existing["created"] is False and existing["current_content"] == "a,b\n" and existing["current_size"] == 4
        assert existing["current_sha256"] == hashlib.sha256(b"a,b\n").hexdigest()
        assert (bucket.root / "data.csv").read_text() == "a,b\n"
        bucket.put("chart.png", PNG)
        binary = ok(bucket.fs.preview_write("chart.png", "text"))
        assert binary["current_content"] is None and binary["current_sha256"] == hashlib.sha256(PNG).hexdigest()
        error(bucket.fs.preview_write(".env", "x"), "INVALID_PATH")

    def test_expected_sha256(self, bucket):
        bucket.put("data.csv", "v1")
        sha = ok(bucket.fs.preview_write("data.csv", "v2"))["current_sha256"]
        (bucket.root / "data.csv").write_text("changed by someone")
        assert "Read the file again" in error(bucket.fs.write_file("data.csv", "v2", expected_sha256=sha), "FILE_CHANGED")["message"]
        assert (bucket.root / "data.csv").read_text() == "changed by someone"
        sha = ok(bucket.fs.preview_write("data.csv", "v2"))["current_sha256"]
        assert ok(bucket.fs.write_file("data.csv", "v2", expected_sha256=sha.upper()))["created"] is False
        assert (bucket.root / "data.csv").read_text() == "v2"

    def test_expected_absent(self, bucket):
        assert ok(bucket.fs.write_file("new.md", "a", expected_sha256="absent"))["created"] is True
        error(bucket.fs.write_file("new.md", "b", expected_sha256="absent"), "FILE_CHANGED")
        os.unlink(bucket.root / "new.md")
        error(bucket.fs.write_file("new.md", "b", expected_sha256=hashlib.sha256(b"a").hexdigest()), "FILE_CHANGED")
        assert not (bucket.root / "new.md").exists()
        for bad in ("abc", 42, "z" * 64):
            error(bucket.fs.write_file("new.md", "b", expected_sha256=bad), "INVALID_INPUT")
        assert bucket.everything() == []


# ---------------------------------------------------------------------- search_files


@pytest.fixture
def tree(bucket):
    for rel in (
        "a.csv", "README.md", "data/b.CSV", "data/notes.txt", "data/2024/jan.csv", "data/2024/feb.xlsx",
        "archive/2024/old.xlsx", "2024/top.csv", "2024/sub/deep.csv", ".hidden/secret.csv", "data/.x.csv",
    ):
        bucket.put(rel, f"content of {rel}\n")
    return bucket


def paths(result):
    return [m["path"] for m in ok(result)["matches"]]


class TestSearchFiles:
    def test_name_pattern_matches_at_any_depth(self, tree):
        result = ok(tree.fs.search_files("*.csv"))
        assert paths(result) == ["a.csv", "2024/top.csv", "2024/sub/deep.csv", "data/b.CSV", "data/2024/jan.csv"]
        assert result["truncated"] is False and result["match_count"] == 5 and result["scanned"] >= 10
        match = result["matches"][0]
        assert match["size"] == len("content of a.csv\n") and datetime.fromisoformat(match["modified"])

    def test_path_patterns(self, tree):
        assert paths(tree.fs.search_files("2024/*.csv")) == ["2024/top.csv"]  # "*" never crosses "/"
        assert paths(tree.fs.search_files("**/2024/*.xlsx")) == ["archive/2024/old.xlsx", "data/2024/feb.xlsx"]
        assert paths(tree.fs.search_files("data/**")) == ["data/b.CSV", "data/notes.txt", "data/2024/feb.xlsx", "data/2024/jan.csv"]
        assert paths(tree.fs.search_files("**/*.md")) == ["README.md"]
        assert paths(tree.fs.search_files("data/[!n]*.???")) == ["data/b.CSV"]
        assert paths(tree.fs.search_files("?.csv")) == ["a.csv", "data/b.CSV"]  # a name pattern: any depth

    def test_under_a_path_results_are_relative_to_the_root(self, tree):
        assert paths(tree.fs.search_files("2024/*", path="data")) == ["data/2024/feb.xlsx", "data/2024/jan.csv"]
        assert paths(tree.fs.search_files("*.csv", path="/data/2024/")) == ["data/2024/jan.csv"]
        error(tree.fs.search_files("*", path="a.csv"), "NOT_A_DIRECTORY")
        error(tree.fs.search_files("*", path="nope"), "NOT_FOUND")

    def test_hidden_entries_are_skipped(self, tree):
        found = paths(tree.fs.search_files("*"))
        assert len(found) == 9 and not any(p.startswith(".hidden/") or p.endswith("/.x.csv") for p in found)
        assert paths(tree.fs.search_files("*", path=".hidden")) == [".hidden/secret.csv"]  # when asked for

    def test_contains(self, tree):
        tree.put("data/cases.csv", "district,cases\nKENEMA,12\n")
        tree.put("data/fake.csv", PNG + b"kenema")
        result = ok(tree.fs.search_files("*.csv", contains="Kenema"))
        assert paths(result) == ["data/cases.csv"]
        assert result["contains"] == "Kenema" and result["skipped"] == {"binary": 1}
        assert result["bytes_read"] > 0

    def test_contains_skips_large_files(self, tree, monkeypatch):
        monkeypatch.setattr(search_module, "SEARCH_CONTAINS_MAX_FILE_BYTES", 10)
        tree.put("small.txt", "kenema")
        tree.put("large.txt", "kenema" * 10)
        result = ok(tree.fs.search_files("*.txt", contains="kenema"))
        assert paths(result) == ["small.txt"] and result["skipped"]["too_large"] >= 1

    def test_stops_at_max_results(self, tree, monkeypatch):
        monkeypatch.setattr(search_module, "SEARCH_MAX_RESULTS", 3)
        result = ok(tree.fs.search_files("*"))
        assert result["match_count"] == 3 and result["truncated"] is True and result["reason"] == "max_results"
        assert "more specific" in result["note"]

    def test_stops_at_max_scanned(self, tree, monkeypatch):
        monkeypatch.setattr(search_module, "SEARCH_MAX_SCANNED", 4)
        result = ok(tree.fs.search_files("*.csv"))
        assert (result["truncated"], result["reason"], result["scanned"]) == (True, "max_scanned", 4)

    def test_stops_at_max_bytes_read(self, tree, monkeypatch):
        monkeypatch.setattr(search_module, "SEARCH_MAX_CONTAINS_BYTES", 40)
        result = ok(tree.fs.search_files("*", contains="content"))
        assert result["reason"] == "max_bytes_read" and result["bytes_read"] <= 40 and result["match_count"] == 2

    def test_stops_at_time_limit(self, tree, monkeypatch):
        monkeypatch.setattr(search_module, "SEARCH_TIME_LIMIT_S", -1)
        result = ok(tree.fs.search_files("*"))
        assert (result["truncated"], result["reason"], result["matches"]) == (True, "time_limit", [])

    def test_bad_patterns(self, tree):
        for pattern in ("", "   ", "a\x00b", "[z-a].csv", None, 3, "x" * 1001):
            error(tree.fs.search_files(pattern), "INVALID_INPUT")
        error(tree.fs.search_files("*", contains=""), "INVALID_INPUT")
        error(tree.fs.search_files("*", path="../x"), "INVALID_PATH")
        assert paths(tree.fs.search_files("[abc")) == []  # an unclosed bracket is a literal


class TestThroughRunTool:
    def test_model_input_reaches_the_executor(self, tree):
        from hexa.assistant.tool_executors import run_tool

        user, workspace = tree.user, tree.workspace
        assert ok(run_tool(user, workspace, "read_file", {"path": "a.csv", "start_line": 1, "end_line": None}))["content"]
        assert ok(run_tool(user, workspace, "list_files", {"path": "data", "page": 1, "per_page": 2}))["has_more"] is True
        assert ok(run_tool(user, workspace, "search_files", {"pattern": "*.md", "contains": "content"}))["match_count"] == 1
        assert ok(run_tool(user, workspace, "write_file", {"path": "out/n.md", "content": "x"}))["created"] is True
        error(run_tool(user, workspace, "read_file", {"path": "../../etc/passwd"}), "INVALID_PATH")
