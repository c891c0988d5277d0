"""The ``policybot`` command (console script ``bot.cli.main:main``).

    main.py         the click group: index, ask, chat, eval (and serve, doctor, escalations)
    serve.py        policybot serve / doctor
    escalations.py  policybot escalations list / show / export / purge
    doctor.py       the checks behind policybot doctor
    terminal.py     an answer in the terminal (rich), from the shared presenter

The top layer: it may import everything; nothing imports it.
"""
