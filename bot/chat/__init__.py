"""What both chat skins (Slack, Teams) share and neither owns.

    skin.py         SkinDeps: answering off the event loop, the school for a conversation,
                    answering again from what a button carries (ButtonValue)

Imports: bot.answering, bot.escalation, bot.store, bot.errors, bot.messages. Never a skin.
"""
