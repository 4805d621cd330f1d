"""Properties: readers never raise, and give one Article or Failure per record."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsevents.stages.ingest import IngestOptions, read_inputs
from newsevents.stages.ingest.english import guess_english
from newsevents.stages.ingest.hygiene import decode_bytes
from newsevents.types import Article, Failure

FORMATS = ("text", "jsonl", "csv", "tsv", "html", "feed", "warc")
SUFFIXES = (".txt", ".jsonl", ".csv", ".tsv", ".html", ".xml", ".warc", ".gz", ".warc.gz", "")
PROPERTY_SETTINGS = settings(max_examples=60, deadline=None,
                             suppress_health_check=[HealthCheck.too_slow])

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.sampled_from(["id", "text", "content", "body", "url", "title",
                                       "published", "date", "outlet", "x"]), children,
                      max_size=6),
    max_leaves=12,
)


def _read_bytes(data: bytes, *, suffix: str, input_format: str = "auto") -> list:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"input{suffix}"
        path.write_bytes(data)
        return list(read_inputs([str(path)], options=IngestOptions(input_format=input_format)))


def _assert_well_formed(outputs: list) -> None:
    assert outputs, "every input yields at least one output"
    for output in outputs:
        assert isinstance(output, (Article, Failure))
        if isinstance(output, Failure):
            assert output.code != "E199", output.message
            assert output.stage == "ingest" and output.message.startswith(output.code)
        else:
            assert output.text.strip() and "\x00" not in output.text and "\r" not in output.text


@PROPERTY_SETTINGS
@given(data=st.binary(max_size=2000), suffix=st.sampled_from(SUFFIXES))
def test_ingest_property_arbitrary_bytes_by_extension(data, suffix):
    _assert_well_formed(_read_bytes(data, suffix=suffix))


@PROPERTY_SETTINGS
@given(data=st.binary(max_size=2000), input_format=st.sampled_from(FORMATS))
def test_ingest_property_arbitrary_bytes_by_format(data, input_format):
    _assert_well_formed(_read_bytes(data, suffix=".bin", input_format=input_format))


@PROPERTY_SETTINGS
@given(text=st.text(max_size=500), input_format=st.sampled_from(FORMATS))
def test_ingest_property_arbitrary_text(text, input_format):
    _assert_well_formed(_read_bytes(text.encode("utf-8", errors="surrogatepass"), suffix=".in",
                                    input_format=input_format))


@PROPERTY_SETTINGS
@given(lines=st.lists(json_values.map(json.dumps) | st.text(max_size=80).filter(
    lambda line: "\n" not in line and "\r" not in line), min_size=1, max_size=12))
def test_ingest_property_one_output_per_jsonl_line(lines):
    data = "\n".join(lines).encode("utf-8", errors="surrogatepass")
    outputs = _read_bytes(data, suffix=".jsonl")
    _assert_well_formed(outputs)
    # Splitting on \n only, as the reader does: other line breaks live inside one line.
    records = [number for number, line in enumerate(data.split(b"\n"), start=1) if line.strip()]
    if records:
        assert [output.record for output in outputs] == records
    else:
        assert [output.code for output in outputs] == ["E106"]


@PROPERTY_SETTINGS
@given(rows=st.lists(st.lists(st.text(max_size=40), min_size=1, max_size=4), min_size=1,
                     max_size=10))
def test_ingest_property_one_output_per_csv_row(rows):
    import csv
    import io

    buffer = io.StringIO()
    csv.writer(buffer).writerows([["id", "text"], *rows])
    outputs = _read_bytes(buffer.getvalue().encode("utf-8", errors="surrogatepass"),
                          suffix=".csv")
    _assert_well_formed(outputs)
    parsed = list(csv.reader(io.StringIO(buffer.getvalue(), newline="")))[1:]
    data_rows = [row for row in parsed if row]
    if len(outputs) == 1 and outputs[0].record is None:
        # The whole file was refused (binary, undecodable) or had no data rows.
        assert outputs[0].code in {"E106", "E110", "E111"}
    else:
        assert [output.record for output in outputs] == list(range(1, len(data_rows) + 1))


@PROPERTY_SETTINGS
@given(data=st.binary(max_size=3000))
def test_ingest_property_decode_never_raises_unexpectedly(data):
    from newsevents.errors import InputError

    try:
        decoded = decode_bytes(data, where="sample")
    except InputError as e:
        assert e.code in {"E110", "E111"}
    else:
        assert isinstance(decoded.text, str)


@PROPERTY_SETTINGS
@given(text=st.text(max_size=3000))
def test_ingest_property_english_guess_total(text):
    guess = guess_english(text)
    assert isinstance(guess.english, bool) and guess.detail
