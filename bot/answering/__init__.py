"""The answer core: a staff question in, an :class:`~bot.answering.model.Answer` out, and a
platform-neutral view of it. Pure: no chat SDK, no web server, no settings bag.

    answerer.py     Answerer.answer(question, school) -> Answer (quoted clauses + route)
    concern.py      does a question describe harm to a child or an allegation? (data/)
    concern_semantic.py  with the model: flags what the patterns miss, by exemplar similarity
    route.py        who to tell: DSL, headteacher or chair, and 999 first when urgent
    model.py        Answer, Hit, Concern, Route, Person: plain data; Answer.to_json()
    presenter.py    present(answer) -> AnswerView that the CLI, Slack and Teams draw
    evaluate.py     Recall@k / MRR / abstention on a question file (policybot eval)

Imports: indexer, bot.errors, bot.messages. Never bot.store, bot.escalation or a skin.
"""
