"""``python -m bot ...`` is ``policybot ...``: for hosts that install requirements.lock and run
the checkout without installing the package itself (the Procfile)."""

from bot.cli.main import main

main()
