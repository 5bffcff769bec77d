"""``python -m publisher.cli``: the ``clusterscord`` command."""

import sys

from publisher.cli.main import main

sys.exit(main())
