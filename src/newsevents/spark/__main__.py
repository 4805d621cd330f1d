"""``python -m newsevents.spark INPUT... --out DIR``, and the file to hand to spark-submit.

``spark-submit --master yarn "$(python -c 'import newsevents.spark.__main__ as m;
print(m.__file__)')" INPUT... --out DIR`` runs ``newsevents spark-run`` under
spark-submit, which then chooses the master and the resources.
"""

from __future__ import annotations

import sys

from newsevents.cli import cli


def main() -> None:
    cli(["spark-run", *sys.argv[1:]], prog_name="newsevents")


if __name__ == "__main__":
    main()
