"""The stages, one module each: ingest → parse → resolve_actors → extract_events →
geolocate → resolve_dates → measure_size → find_quotes → score_tone, then dedupe in
the store. ``registrations`` lists the per-article ones in pipeline order."""
