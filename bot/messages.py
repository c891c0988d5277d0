"""Every sentence policybot shows to a person, in one place.

Skins (CLI, Slack, Teams) format these; they never write their own user-facing text.
Each section belongs to one part of the product; add new text to its section. Templates use
``str.format`` fields named for what they hold.
"""

from __future__ import annotations

# --- Answering --------------------------------------------------------------------------

EMPTY_QUESTION = (
    "Ask me a question about the school's policies, for example "
    "\u201ccan I follow an ex-pupil on Instagram?\u201d"
)
NO_WORDS_QUESTION = (
    "I couldn't find any words to search for in that. Please ask your question in words, "
    "for example \u201ccan I post photos of a school trip?\u201d"
)
QUESTION_TRUNCATED = (
    "That was a long message, so I searched the first {limit} characters. If you need to "
    "tell the DSL something, use the button below rather than pasting it here."
)
NOT_FOUND = (
    "I couldn't find a clause in the school's policies that answers this. I won't guess: "
    "please ask your line manager or the DSL."
)
FOUND_INTRO = "Here is what the policy says:"
ALSO_RELEVANT = "Also relevant"
REVIEW_OVERDUE = "This policy was due for review in {due}; check with the school that it is still current."
CITATION_CLAUSE = "clause {clause}"
CITATION_PAGE = "page {page}"
CITATION_REVIEW = "review date {due}"
SOMETHING_WENT_WRONG = (
    "Sorry, something went wrong on my side and I couldn't answer. Nothing you sent has been "
    "lost. If this is about a child's safety, go to the DSL in person now."
)

# --- The route to raise a concern (on every answer) -------------------------------------

ROUTE_ALWAYS = "If you are worried about a child, tell the DSL \u2014 {dsl}."
ROUTE_URGENT = "If a child is in immediate danger, call 999 \u2014 then tell the DSL now: {dsl}."
ROUTE_REPORT = "This sounds like something to tell the DSL today: {dsl}. Don't wait to be sure."
ROUTE_ALLEGATION = (
    "Concerns about a member of staff go to the headteacher ({lead}). Don't discuss it with "
    "the colleague concerned. If you can't raise it in school, the NSPCC whistleblowing line "
    "is {nspcc}."
)
ROUTE_ALLEGATION_HEAD = (
    "Concerns about the headteacher go to the chair of governors ({lead}). If you can't raise "
    "it in school, the NSPCC whistleblowing line is {nspcc}."
)
DSL_UNKNOWN = "your Designated Safeguarding Lead (DSL)"
CONTACT_WITH_PHONE = "{name}, {phone}"

CONCERN_REASONS = {
    "self_harm": "mentions self-harm or suicide",
    "immediate_danger": "a child may be in immediate danger",
    "abuse": "describes possible abuse of a child",
    "disclosure": "describes something a child has told you",
    "pupil_contact": "describes contact from a pupil outside school channels",
    "images": "involves images of a pupil",
    "staff_conduct": "describes a concern about an adult's conduct",
    "exploitation": "mentions grooming, exploitation or indecent images",
    "found_material": "describes material you have found",
}
