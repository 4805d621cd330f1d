"""Real-world bad inputs: each one must yield exactly the outcomes listed.

Every case writes its own files into ``tmp_path`` and states the outcome of
each input record, in order: ``ART`` for an Article, else the Failure code.
``records`` is the number of input records the case holds, counted by hand,
so the test checks "one output per record" independently of the outcomes.
"""

from __future__ import annotations

import gzip
import io
import urllib.error
import urllib.request
from dataclasses import dataclass, field

import pytest

from newsevents.stages.ingest import IngestOptions, read_inputs
from newsevents.types import Article, Failure

from _builders import warc_record as warc_member

ART = "article"
BODY = ("Arnor troops shelled Gondor on Tuesday, killing four civilians, officials in "
        "Minas Tirith said in a statement.")
OTHER_BODY = ("Gondor and Rohan signed a trade agreement in Edoras on Monday, ending a "
              "dispute that had lasted for two years.")
FRENCH = ("Le gouvernement a annoncé mardi que les négociations avec les syndicats "
          "reprendraient la semaine prochaine, selon un communiqué publié à Paris.")
RUSSIAN = ("Правительство объявило во вторник, что переговоры с профсоюзами возобновятся "
           "на следующей неделе.")


def page(title: str, text: str) -> bytes:
    return (f"<html><head><title>{title}</title></head><body><article><h1>{title}</h1>"
            f"<p>{text}</p><p>{text}</p></article></body></html>").encode()


def rss(items: str) -> bytes:
    return ("<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel>"
            "<title>Minas Daily</title><link>https://minasdaily.example/</link>"
            f"{items}</channel></rss>").encode()


def three_page_warc(*, compress: bool) -> tuple[bytes, list[int]]:
    members = [warc_member(f"https://minasdaily.example/a{i}", page(f"Story {i}", BODY),
                           compress=compress) for i in range(3)]
    starts = [sum(len(m) for m in members[:i]) for i in range(3)]
    return b"".join(members), starts


_WARC_GZ, _WARC_GZ_STARTS = three_page_warc(compress=True)
_WARC, _WARC_STARTS = three_page_warc(compress=False)


@dataclass(frozen=True)
class Case:
    files: dict[str, bytes]
    expected: tuple[str, ...]
    records: int
    paths: tuple[str, ...] | None = None
    options: IngestOptions = field(default_factory=IngestOptions)
    notes: tuple[str, ...] = ()


CASES: dict[str, Case] = {
    "binary_png_named_txt": Case(
        {"photo.txt": b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4}, ("E110",), 1),
    "binary_random_bytes": Case({"blob.txt": bytes(range(256)) * 16}, ("E110",), 1),
    "pdf_named_txt": Case({"report.txt": b"%PDF-1.7\n" + BODY.encode()}, ("E110",), 1),
    "invalid_utf8_stray_byte": Case(
        {"a.txt": ("Café owners said: " + BODY).encode() + b" \xff"}, (ART,), 1,
        notes=("invalid_bytes_replaced:1",)),
    "cp1252_text": Case(
        {"a.txt": ("The minister said \u201cwe will not retreat\u201d at the café in Bree; "
                   + BODY).encode("cp1252")}, (ART,), 1, notes=("encoding_repaired:cp1252",)),
    "utf16_with_bom": Case({"a.txt": BODY.encode("utf-16")}, (ART,), 1,
                           notes=("encoding_repaired:utf-16",)),
    "utf16_without_bom": Case({"a.txt": BODY.encode("utf-16-le")}, (ART,), 1,
                              notes=("encoding_repaired:utf-16-le",)),
    "utf8_with_bom": Case({"a.txt": b"\xef\xbb\xbf" + BODY.encode()}, (ART,), 1),
    "empty_file": Case({"a.txt": b""}, ("E112",), 1),
    "whitespace_only": Case({"a.txt": b" \n\t\r\n   \n"}, ("E112",), 1),
    "too_short": Case({"a.txt": b"Arnor attacked Gondor."}, ("E113",), 1),
    "numbers_only": Case({"a.txt": b"1 2 3 4 5 6 7 8 9 10"}, ("E114",), 1),
    "five_megabyte_article": Case(
        {"big.txt": ((BODY + "\n\n") * (5_000_000 // (len(BODY) + 2) + 1)).encode()}, (ART,), 1),
    "very_long_single_line": Case({"line.txt": (BODY + " ").encode() * 20_000}, (ART,), 1),
    "nul_bytes_in_text": Case({"a.txt": BODY.encode().replace(b"Gondor", b"Gon\x00dor")},
                              (ART,), 1, notes=("nul_removed:1",)),
    "crlf_newlines": Case({"a.txt": (BODY + "\r\n" + OTHER_BODY + "\r\n").encode()}, (ART,), 1,
                          notes=("newlines_normalised",)),
    "control_characters": Case({"a.txt": (BODY + "\x01\x02\x03\x04" * 20).encode()},
                               ("E110",), 1),
    "french_article": Case({"fr.txt": FRENCH.encode()}, ("E114",), 1),
    "russian_cp1251": Case({"ru.txt": RUSSIAN.encode("cp1251")}, ("E114",), 1),
    "html_without_body": Case(
        {"a.html": b"<html><head><title>Nothing here</title></head></html>"}, ("E140",), 1),
    "html_scripts_only": Case(
        {"a.html": b"<html><head><script>var story = 'Arnor troops shelled Gondor';</script>"
                   b"</head><body><script>document.write('loading the story now');</script>"
                   b"</body></html>"}, ("E140",), 1),
    "html_nested_5000_levels": Case(
        {"deep.html": ("<html><body>" + "<div>" * 5000 + BODY + "</div>" * 5000
                       + "</body></html>").encode()}, (ART,), 1,
        notes=("html_fallback:deep_nesting",)),
    "html_fragment": Case({"snippet.html": f"<p>{BODY}</p>".encode()}, (ART,), 1,
                          notes=("html_fallback:fragment",)),
    "html_in_cp1252_declared": Case(
        {"a.html": ("<html><head><meta charset='windows-1252'><title>Caf\u00e9</title></head>"
                    f"<body><article><p>Caf\u00e9 talks: {BODY}</p><p>{OTHER_BODY}</p>"
                    "</article></body></html>").encode("cp1252")}, (ART,), 1,
        notes=("encoding_repaired:windows-1252",)),
    "jsonl_broken_lines": Case(
        {"a.jsonl": (f'{{"id": "1", "text": "{BODY}"}}\n{{"id": "2", "text": "cut\n'
                     f'not json at all\n{{"id": "4", "text": "{OTHER_BODY}"}}\n').encode()},
        (ART, "E120", "E120", ART), 4),
    "jsonl_missing_text": Case(
        {"a.jsonl": (f'{{"id": "1", "title": "No body"}}\n{{"id": "2", "text": null}}\n'
                     f'{{"id": "3", "body": "{BODY}"}}\n').encode()}, ("E122", "E122", ART), 3),
    "jsonl_wrong_types": Case(
        {"a.jsonl": (f'{{"text": 42}}\n{{"text": "{BODY}", "id": [1]}}\n'
                     f'{{"text": "{BODY}", "published": 20241119}}\n'
                     f'{{"text": "{BODY}", "id": 7}}\n').encode()},
        ("E123", "E123", "E123", ART), 4),
    "jsonl_not_objects": Case({"a.jsonl": b'[1, 2]\n"a string"\n3\nnull\n'},
                              ("E121", "E121", "E121", "E121"), 4),
    "jsonl_blank_lines_only": Case({"a.jsonl": b"\n\n   \n"}, ("E106",), 1),
    "jsonl_deeply_nested_line": Case({"a.jsonl": b"[" * 100_000 + b"]" * 100_000 + b"\n"},
                                     ("E120",), 1),
    "jsonl_control_characters_in_text": Case(
        {"a.jsonl": ('{"text": "' + BODY + "\\u0001\\u0002" * 40 + '"}\n').encode()},
        ("E110",), 1),
    "jsonl_cp1252_line": Case(
        {"a.jsonl": ('{"text": "Caf\u00e9 \u201ctalks\u201d: ' + BODY + '"}\n').encode("cp1252")},
        (ART,), 1, notes=("encoding_repaired:cp1252",)),
    "csv_ragged_rows": Case(
        {"a.csv": (f'id,text\n1,"{BODY}"\n2,"{BODY}",extra\n3\n4,"{OTHER_BODY}"\n').encode()},
        (ART, "E130", "E130", ART), 4),
    "csv_missing_text_column": Case(
        {"a.csv": b"id,headline\n1,Arnor shells Gondor\n2,Rohan signs deal\n"},
        ("E131", "E131"), 2),
    "csv_named_text_column_absent": Case(
        {"a.csv": f'id,text\n1,"{BODY}"\n'.encode()}, ("E131",), 1,
        options=IngestOptions(text_col="story_body")),
    "csv_header_only": Case({"a.csv": b"id,text\n"}, ("E106",), 1),
    "csv_huge_field": Case({"a.csv": f'id,text\n1,"{BODY * 3000}"\n'.encode()}, (ART,), 1),
    "tsv_file": Case({"a.tsv": f"id\ttext\n1\t{BODY}\n2\t{OTHER_BODY}\n".encode()},
                     (ART, ART), 2),
    "warc_gz_truncated": Case(
        {"crawl.warc.gz": _WARC_GZ[: (_WARC_GZ_STARTS[2] + len(_WARC_GZ)) // 2]},
        (ART, ART, "E160"), 3),
    "warc_truncated_inside_body": Case(
        {"crawl.warc": _WARC[: _WARC_STARTS[1] + (_WARC_STARTS[2] - _WARC_STARTS[1]) - 40]},
        (ART, "E160"), 2),
    "warc_truncated_inside_header": Case(
        {"crawl.warc": _WARC[: _WARC_STARTS[2] + 100]}, (ART, ART, "E160"), 3),
    "warc_only_non_html_records": Case(
        {"images.warc.gz": warc_member("https://minasdaily.example/a.png", b"\x89PNG....",
                                       content_type="image/png")
         + warc_member("https://minasdaily.example/meta", b"crawler: test",
                       content_type="application/warc-fields", record_type="metadata")},
        ("E161",), 1),
    "warc_redirect_and_error_skipped": Case(
        {"c.warc.gz": warc_member("https://minasdaily.example/old", b"<html>Moved</html>",
                                  status="301 Moved Permanently")
         + warc_member("https://minasdaily.example/gone", b"<html>Not found</html>",
                       status="404 Not Found")
         + warc_member("https://minasdaily.example/a", page("Story", BODY))},
        (ART,), 1),
    "not_a_warc": Case({"fake.warc": b"this is not an archive\nat all\n"}, ("E160",), 1),
    "feed_no_entries": Case({"feed.xml": rss("")}, ("E150",), 1),
    "feed_malformed_xml": Case({"feed.xml": b"<?xml version='1.0'?><rss><<<>>>& not xml"},
                               ("E151",), 1),
    "feed_truncated_keeps_entries": Case(
        {"feed.xml": rss(f"<item><title>Talks</title><description>{BODY}</description></item>")
         [:-16]}, (ART,), 1, notes=("feed_malformed",)),
    "feed_entry_without_text": Case(
        {"feed.xml": rss("<item><title>Only a title</title>"
                         "<link>https://minasdaily.example/x</link></item>"
                         f"<item><title>Talks</title><description>{BODY}</description></item>")},
        ("E152", ART), 2),
    "feed_follow_links_offline": Case(
        {"feed.xml": rss("<item><title>Talks</title><link>https://minasdaily.example/t</link>"
                         f"<description>{BODY}</description></item>"
                         "<item><title>No link</title>"
                         f"<description>{BODY}</description></item>")},
        ("E153", "E154"), 2, options=IngestOptions(follow_links=True)),
    "duplicate_articles": Case({"a.txt": BODY.encode(), "b.txt": BODY.encode()}, (ART, ART), 2),
    "nonexistent_path": Case({}, ("E101",), 1, paths=("missing.txt",)),
    "glob_without_match": Case({"a.txt": BODY.encode()}, ("E102",), 1, paths=("*.jsonl",)),
    "empty_folder": Case({"sub/.hidden": BODY.encode()}, ("E104",), 1, paths=("sub",)),
    "gz_that_is_not_gzip": Case({"a.txt.gz": BODY.encode()}, ("E105",), 1),
    "gz_truncated_text": Case({"a.txt.gz": gzip.compress(BODY.encode() * 50)[:-20]},
                              ("E105",), 1),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_ingest_bad_input(tmp_path, monkeypatch, name):
    case = CASES[name]
    _refuse_network(monkeypatch)
    for relative, data in case.files.items():
        target = tmp_path / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    monkeypatch.chdir(tmp_path)
    paths = list(case.paths) if case.paths is not None else sorted(case.files)
    outputs = list(read_inputs(paths, options=case.options))
    assert len(outputs) == case.records
    assert [_outcome(output) for output in outputs] == list(case.expected)
    for output in outputs:
        _check_output(output)
    articles = [output for output in outputs if isinstance(output, Article)]
    for note in case.notes:
        assert note in articles[0].notes


def test_ingest_bad_input_truncated_jsonl_gz_keeps_lines_before_break(tmp_path):
    lines = [f'{{"id": "{i}", "text": "{BODY} Story {i}."}}\n' for i in range(2000)]
    data = gzip.compress("".join(lines).encode())
    path = tmp_path / "a.jsonl.gz"
    path.write_bytes(data[: len(data) // 2])
    outputs = list(read_inputs([str(path)], options=IngestOptions()))
    *articles, last = outputs
    assert articles and all(isinstance(article, Article) for article in articles)
    assert [article.record for article in articles] == list(range(1, len(articles) + 1))
    assert isinstance(last, Failure) and last.code == "E105"
    assert last.record == len(articles) + 1


def test_ingest_bad_input_duplicates_share_an_id(tmp_path):
    for name in ("a.txt", "b.txt"):
        (tmp_path / name).write_text(BODY)
    first, second = read_inputs([str(tmp_path)], options=IngestOptions())
    assert isinstance(first, Article) and isinstance(second, Article)
    assert first.id == second.id
    assert (first.source, second.source) == (str(tmp_path / "a.txt"), str(tmp_path / "b.txt"))


def test_ingest_bad_input_truncated_warc_names_the_record(tmp_path):
    path = tmp_path / "crawl.warc.gz"
    path.write_bytes(CASES["warc_gz_truncated"].files["crawl.warc.gz"])
    *_, broken = read_inputs([str(path)], options=IngestOptions())
    assert isinstance(broken, Failure)
    assert broken.record == 3
    assert "record 3 of" in broken.message


def test_ingest_bad_input_five_megabytes_kept_whole(tmp_path):
    text = (BODY + "\n\n") * (5_000_000 // (len(BODY) + 2) + 1)
    (tmp_path / "big.txt").write_text(text)
    (article,) = read_inputs([str(tmp_path / "big.txt")], options=IngestOptions())
    assert isinstance(article, Article)
    assert article.text == text


def test_ingest_bad_input_cp1252_repaired_text(tmp_path):
    (tmp_path / "a.txt").write_bytes(CASES["cp1252_text"].files["a.txt"])
    (article,) = read_inputs([str(tmp_path / "a.txt")], options=IngestOptions())
    assert isinstance(article, Article)
    assert "\u201cwe will not retreat\u201d at the café" in article.text


def test_ingest_bad_input_stdin_is_text(monkeypatch):
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(BODY.encode())))
    (article,) = read_inputs(["-"], options=IngestOptions(url="https://www.bree.example/x"))
    assert isinstance(article, Article)
    assert (article.source, article.url, article.outlet) == ("-", "https://www.bree.example/x",
                                                             "bree.example")


def _refuse_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def offline(*args: object, **kwargs: object) -> object:
        raise urllib.error.URLError("network is unreachable (test)")

    monkeypatch.setattr(urllib.request, "urlopen", offline)


def _outcome(output: Article | Failure) -> str:
    return ART if isinstance(output, Article) else output.code


def _check_output(output: Article | Failure) -> None:
    assert isinstance(output, (Article, Failure))
    if isinstance(output, Failure):
        assert output.stage == "ingest"
        assert output.message.startswith(output.code + ": ")
        assert output.source
        assert output.code[1] == "1"
    else:
        assert output.text.strip()
        assert "\r" not in output.text and "\x00" not in output.text
        assert output.language == "en"
        assert output.record is not None and output.record >= 1
