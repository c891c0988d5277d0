"""``policybot serve``'s process: the one place that turns Settings into objects and wires
them together.

    runtime.py      build_runtime(settings): index, store, escalation service, skins, outbox
    web.py          the aiohttp app: /slack/events, /healthz and the Teams mount

Imports anything below it (skins, chat, core). Nothing imports bot.serve but bot.cli.
"""
