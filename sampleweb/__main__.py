"""``python -m sampleweb``: serve the sample county web."""

import sys

from sampleweb.server import main

sys.exit(main())
