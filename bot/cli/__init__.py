"""The ``policybot`` command (console script ``bot.cli.main:main``).

    main.py         the click group: index, ask, chat, eval (and serve, doctor, escalations)
    serve.py        policybot serve / doctor
    escalations.py  policybot escalations list / show / export / purge
    stats.py        policybot stats: a school's monthly summary of questions (no text)
    doctor.py       the checks behind policybot doctor
    terminal.py     an answer in the terminal (rich), from the shared presenter

The top layer: it may import everything; nothing imports it.
"""
