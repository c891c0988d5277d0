"""policybot: school staff ask about their school's policies; the bot quotes the clause."""
