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
    "raise a concern, use the Raise button below rather than pasting it here."
)
NOT_FOUND = (
    "I couldn't find a clause in the school's policies that answers this, and I won't guess. "
    "For a question about a rule, ask your line manager."
)
NOT_FOUND_FLAGGED = "No policy clause matched; the route above is what to do."
FOUND_INTRO = "Here is what the policy says:"
ALSO_RELEVANT = "Also relevant"
REVIEW_OVERDUE = (
    "{document} was due for review in {due}; check with the school that it is still current."
)
REVIEW_OVERDUE_ITEM = "{document} ({due})"
REVIEW_OVERDUE_SEVERAL = (
    "Due for review: {documents}. Check with the school that these are still current."
)
CITATION_CLAUSE = "clause {clause}"
CITATION_PAGE = "page {page}"
CITATION_PAGE_OCR = "page {page} (OCR)"
CITATION_REVIEW = "review date {due}"
SOMETHING_WENT_WRONG = (
    "Sorry, something went wrong on my side and I couldn't answer. Nothing you sent has been "
    "lost. If this is about a child's safety, go to the DSL in person now."
)

# --- The route to raise a concern (on every answer) -------------------------------------

ROUTE_ALWAYS = "If you are worried about a child, tell the DSL \u2014 {dsl}."
ROUTE_URGENT = "If a child is in immediate danger, call 999 \u2014 then tell the DSL now: {dsl}."
ROUTE_REPORT = "Tell the DSL today: {dsl}. Don't wait to be sure."
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
    "immediate_danger": "suggests a child may not be safe right now",
    "abuse": "describes possible abuse of a child",
    "disclosure": "describes something a child has told you",
    "pupil_contact": "describes contact from a pupil outside school channels",
    "images": "involves images of a pupil",
    "staff_conduct": "describes a concern about an adult's conduct",
    "exploitation": "mentions grooming, exploitation or indecent images",
    "found_material": "describes material you have found",
    "grooming": "describes an adult or older young person in private contact with a child",
    "secrecy": "describes a child being asked to keep a secret",
    "sexual": "describes sexual behaviour towards or by a child",
    "online": "describes online abuse of a child",
    "exploitation_signs": "describes signs of exploitation or radicalisation",
    "family_harm": "describes harm at home",
    "abuse_signs": "describes possible signs of abuse",
    "online_contact": "describes online contact that is turning private or sexual",
    "hate_and_extremism": "describes hateful or extremist views",
    "injury_and_fear": "describes an injury and a frightened or unexplained account",
    "particular_child": "describes a worrying sign about a particular child",
    "neglect_signs": "describes signs of neglect",
    "missing_education": "describes a child missing from school or home",
    "staff_signs": "describes a concern about an adult's conduct",
}

# --- Answer layout (bot/answering/presenter.py: shared by the Slack and Teams skins) -----

CONCERN_BANNER = "Why this comes first: your message {reason}."
CONCERN_BANNER_NO_REASON = "Why this comes first: it may be a safeguarding concern."
YOU_ASKED = "You asked: {question}"
CLAUSE_CUT = "\u2026 (the clause continues \u2014 use \u201cShow full clause\u201d)"

# --- Slack (bot/slack) ------------------------------------------------------------------

SLACK_HELP = (
    "Ask me about the school's policies: type `/policy` and your question, mention me in a "
    "channel, or send me a direct message. For example: `/policy can I follow an ex-pupil "
    "on Instagram?`"
)
SLACK_PRIVATE_REPLY_SENT = (
    "I've sent you a private reply. If this is about a child's safety, please talk to the DSL."
)
SLACK_DELETE_PUBLIC = (
    "Your message in the channel can still be seen by everyone there, and I can't delete "
    "other people's messages. Please delete it now: hover over it, click ⋮ (More actions), "
    "then Delete message. On a phone, press and hold the message, then tap Delete."
)
BUTTON_RAISE = "Raise with DSL"
BUTTON_RAISE_WITH = "Raise with {destination}"
RAISE_DESTINATIONS = {"headteacher": "headteacher", "chair": "chair of governors"}
BUTTON_HELPFUL = "Helpful"
BUTTON_NOT_HELPFUL = "Not helpful"
BUTTON_SHARE = "Share in channel"
BUTTON_FULL_CLAUSE = "Show full clause"
FEEDBACK_THANKS = "Thanks \u2014 your feedback on this clause has been noted."
SHARED_BY = "Shared by {user}"
FULL_CLAUSE_TITLE = "Full clause"
CLAUSE_NOT_AVAILABLE = "That clause is no longer in the index. Please ask your question again."
MODAL_CLOSE = "Close"
HOME_TITLE = "policybot"
HOME_HOW_TO_ASK = (
    "*How to ask*\nType `/policy` and your question, mention me in a channel, or send me a "
    "message here. I answer by quoting the school's policy, word for word, with where it "
    "comes from."
)
HOME_CONTACTS = "*Who to tell*"
HOME_ROUTE = (
    "*Worried about a child?* Tell the DSL the same day, in person if you can. If a child is "
    "in immediate danger, call 999 first. Use \u201cRaise with DSL\u201d on any answer to "
    "send the DSL a private note."
)
HOME_CONTACT_LINE = "{role}: {contact}"
HOME_OPEN_ESCALATIONS = "*Open concerns*"
HOME_NO_ESCALATIONS = "No open concerns."
HOME_ESCALATION_LINE = "*{ref}* \u00b7 {status} \u00b7 raised {age} ago{urgent}{claimed}"
HOME_URGENT = " \u00b7 :rotating_light: urgent"
HOME_CLAIMED_BY = " \u00b7 claimed by {actor}"
AGE_MINUTES = "{n} min"
AGE_HOURS = "{n} h"
AGE_DAYS = "{n} days"

# --- Slack: raising a concern with the DSL (bot/slack/escalation_*.py, notifier.py) -----

RAISE_TITLE = "Raise with DSL"
RAISE_TITLE_LONG = "Raise a concern"
RAISE_SUBMIT = "Send privately"
RAISE_SUBMIT_TO = "Send to {destination}"
RAISE_GOES_TO = "This goes to {who}."
RAISE_GOES_TO_BECAUSE = "This goes to {who}, because it is about {subject}."
RAISE_ABOUT_SUBJECTS = {"staff": "a member of staff", "headteacher": "the headteacher"}
RAISE_WHO = "{name}, {role}"
RAISE_WHO_UNNAMED = "the {role}"
RAISE_GOES_ELSE = "If you answer \u201c{answer}\u201d below, it goes to {who} instead."
RAISE_SHORT_DESTINATIONS = {
    "no": "DSL",
    "staff": "headteacher",
    "headteacher": "chair of governors",
}
BUTTON_RAISE_CONCERN = "Raise a safeguarding concern"
HOME_RAISE = (
    "*Raise a concern without asking a question first*: a private form that goes straight to "
    "the right person."
)
RAISE_CANCEL = "Cancel"
RAISE_QUESTION = "Your question"
RAISE_CLAUSE = "The clause you were shown"
RAISE_DETAILS_LABEL = "What happened?"
RAISE_DETAILS_HINT = (
    "Facts only: what you saw or were told, when, and who. Please don't include more about "
    "a child than the DSL needs to know."
)
RAISE_RISK_LABEL = "Is a child at immediate risk?"
RAISE_RISK_OPTIONS = {"yes": "Yes", "no": "No", "unsure": "Not sure"}
RAISE_RISK_WARNING = (
    "If a child is in immediate danger, call 999 and find the DSL now \u2014 {dsl}. You can "
    "still send this form afterwards."
)
RAISE_STAFF_LABEL = "Is this about a member of staff?"
RAISE_STAFF_OPTIONS = {
    "no": "No",
    "staff": "Yes, a member of staff",
    "headteacher": "Yes, the headteacher",
}
RAISE_TOLD_LABEL = "Have you already told the DSL in person?"
RAISE_TOLD_OPTIONS = {"yes": "Yes", "no": "No"}
RAISE_SENT_TITLE = "Stored"
RAISE_SENT = (
    "Stored with reference *{ref}*; delivering to {route_name}. A direct message will tell you "
    "when it has been delivered. If a child is in immediate danger, call 999 now."
)
RAISE_FAILED_TITLE = "Not sent"
BUTTON_CLAIM = "Claim"
BUTTON_RESOLVE = "Resolve"
BUTTON_RECORD = "Record as logged"
BUTTON_REOPEN = "Reopen"
BUTTON_UNASSIGN = "Unassign"
RECORD_TITLE = "Record as logged"
RECORD_LABEL = "Logged in CPOMS / MyConcern as \u2026"
RECORD_SUBMIT = "Save"
YES = "yes"
NO = "no"
UNKNOWN = "\u2014"
SLACK_ALERT = ":rotating_light:"
SLACK_WARNING = ":warning:"

# --- The DSL's message (bot/escalation/view.py: shared by the Slack and Teams skins) ------
# Plain words: each skin adds its own emphasis (Slack *bold*, Teams bold TextRuns).

DSL_POST_TITLE = "Concern {ref}"
DSL_POST_URGENT_NOTICE = "URGENT: concern {ref} (immediate risk: {risk})"  # notification text
DSL_URGENT = "Immediate risk: {risk}"
DSL_TIMELINE_RAISED = "{time} raised"  # the timeline under the DSL's post, joined by " · "
DSL_TIMELINE_CLAIMED = "{time} claimed by {actor}"
DSL_TIMELINE_RECORDED = "{time} recorded in {record}"
DSL_TIMELINE_RESOLVED = "{time} resolved by {actor}"
DSL_TIMELINE_REOPENED = "{time} reopened by {actor}"
DSL_TIMELINE_UNASSIGNED = "{time} unassigned by {actor}"
DSL_TIMELINE_GAP = "\u2026"  # stands for the middle of a long timeline
RESOLVE_CONFIRM_TITLE = "Resolve {ref}?"
RESOLVE_CONFIRM_TEXT = (
    "Mark this concern as resolved? The reporter is told. Record where it was logged first."
)
RESOLVE_CONFIRM_CANCEL = "Not yet"
UNASSIGN_CONFIRM_TITLE = "Unassign {ref}?"
UNASSIGN_CONFIRM_TEXT = (
    "Nobody will hold this concern any more: it goes back to \u201cnot yet claimed\u201d "
    "and the reminders start again until someone claims it."
)
UNASSIGN_CONFIRM_CANCEL = "Keep it"
DSL_CLAUSE_QUOTE = "\u201c{text}\u201d"
DSL_FACT_RAISED_BY = "Raised by"
DSL_FACT_SCHOOL = "School"
DSL_FACT_RISK = "Immediate risk"
DSL_FACT_ABOUT = "About staff"
DSL_FACT_TOLD = "Told DSL in person"
DSL_QUESTION = "Question asked"
DSL_CLAUSE = "Clause shown"
DSL_DETAILS = "What happened"
DSL_STATUS = "Status"
DSL_STATUS_NEW = "new \u2014 not yet claimed"
DSL_STATUS_CLAIMED = "claimed by {actor}"
DSL_STATUS_RESOLVED = "resolved by {actor}"
DSL_RECORDED = "Recorded as"
DSL_PURGED = "Details removed under the retention policy."
DSL_PURGED_POST = "{ref} \u2014 details removed after {days} days (retention)"

# --- policybot serve / doctor (bot/cli/serve.py, bot/cli/doctor.py) ----------------------

SERVE_LISTENING = "policybot is listening on http://{host}:{port} (Slack: {path})"
SERVE_SOCKET = "policybot is connecting to Slack in Socket Mode"
SERVE_NO_SLACK_TOKEN = "SLACK_BOT_TOKEN is not set: copy the Bot User OAuth Token (xoxb-\u2026)."
SERVE_NO_SLACK_APP_TOKEN = (
    "SLACK_APP_TOKEN is not set: Socket Mode needs an app token (xapp-\u2026)."
)
SERVE_NO_SIGNING_SECRET = "SLACK_SIGNING_SECRET is not set: HTTP mode needs the signing secret."
SERVE_NO_TEAMS_PASSWORD = (
    "MICROSOFT_APP_PASSWORD is not set: Teams needs the client secret of the app "
    "registration named by MICROSOFT_APP_ID."
)
SERVE_TEAMS_NO_APP_ID = (
    "Teams is configured (TEAMS_DSL_AAD_IDS) but MICROSOFT_APP_ID is not set, so anyone could "
    "post to /api/messages as anyone. Set MICROSOFT_APP_ID, MICROSOFT_APP_PASSWORD and "
    "MICROSOFT_APP_TENANT_ID; or, for local development only, POLICYBOT_TEAMS_INSECURE_DEV=1 "
    "(serve then listens on 127.0.0.1 only)."
)
SERVE_TEAMS_BAD_AAD_ID = (
    "{name} must hold Entra object ids (GUIDs such as 0f8fad5b-d9cb-469f-a165-70867728950e), "
    "comma-separated: find them in Entra ID > Users > Object ID."
)
SERVE_TEAMS_BAD_TENANT = (
    "MICROSOFT_APP_TENANT_ID must be the Directory (tenant) ID GUID of the app registration "
    "(Entra ID > Overview > Tenant ID), not a domain name."
)
TEAMS_PACKAGE_BAD_APP_ID = "The app id must be the Application (client) ID GUID of the bot."
TEAMS_PACKAGE_WROTE = "Wrote {path}"
DOCTOR_OK = "All checks passed."
DOCTOR_FAILED = (
    "{count} problem(s) found: fix the lines marked \u2717 and run policybot doctor again."
)
DOCTOR_TOKEN_OK = "SLACK_BOT_TOKEN is set."
DOCTOR_TOKEN_MISSING = (
    "SLACK_BOT_TOKEN is not set: copy the Bot User OAuth Token (xoxb-\u2026) from your Slack "
    "app's OAuth & Permissions page."
)
DOCTOR_SECRET_OK = "SLACK_SIGNING_SECRET is set (HTTP mode)."
DOCTOR_SECRET_MISSING = (
    "SLACK_SIGNING_SECRET is not set: HTTP mode needs it (Basic Information \u2192 App "
    "Credentials). Not needed with policybot serve --socket."
)
DOCTOR_APP_TOKEN_OK = "SLACK_APP_TOKEN is set (Socket Mode available)."
DOCTOR_APP_TOKEN_MISSING = (
    "SLACK_APP_TOKEN is not set: only needed for policybot serve --socket (an xapp-\u2026 "
    "token with connections:write)."
)
DOCTOR_INDEX_FRESH = "The index at {path} is up to date with {corpus} ({count} passages)."
DOCTOR_INDEX_STALE = (
    "The index at {path} is older than the documents in {corpus}: it will be rebuilt when "
    "policybot serve starts, or run policybot index now."
)
DOCTOR_EMBEDDING_OK = "Answers are found with BM25 and embeddings from {model}."
DOCTOR_EMBEDDING_MISSING = (
    "Answers are found with BM25 alone (word matching): {reason}. Staff wording that avoids the "
    "policy's own words will be found less often."
)
DOCTOR_EMBEDDING_STALE = (
    "The index at {path} holds no passage vectors from {model}, so answers use BM25 alone: "
    "run policybot index {corpus}."
)
DOCTOR_INDEX_MISSING = "There is no usable index at {path}: run policybot index {corpus}."
DOCTOR_DB_OK = "The escalation database is reachable."
DOCTOR_DB_FAILED = "The escalation database could not be opened: check DATABASE_URL."
DOCTOR_AUTH_OK = "Slack accepted the bot token (workspace {team}, bot user {user})."
DOCTOR_AUTH_FAILED = (
    "Slack refused the bot token ({error}): check SLACK_BOT_TOKEN and that the app is "
    "installed in the workspace."
)
DOCTOR_UNREACHABLE = "Could not reach Slack at {url}: check the network and SLACK_API_URL."
DOCTOR_CHANNEL_OK = "Concerns go to the private channel {channel}."
DOCTOR_CHANNEL_FAILED = (
    "DSL_CHANNEL_ID {channel} cannot be used ({error}): invite policybot to that channel "
    "(/invite @policybot) or correct the id."
)
DOCTOR_CHANNEL_PUBLIC = (
    "DSL_CHANNEL_ID {channel} is a public channel: concerns must go to a private channel "
    "that only the DSL and deputies can read."
)
DOCTOR_USER_OK = "Concerns go by direct message to {user}."
DOCTOR_USER_FAILED = "DSL_USER_IDS contains {user}, which Slack does not know ({error})."
DOCTOR_NO_DSL = (
    "No DSL destination: set DSL_CHANNEL_ID (a private channel) or DSL_USER_IDS (the DSL and "
    "deputies, comma-separated)."
)
DOCTOR_NO_DSL_USERS = (
    "DSL_USER_IDS is empty: nobody can Claim or Resolve a concern. List the DSL and deputies."
)
DOCTOR_NO_HEADTEACHER = (
    "HEADTEACHER_USER_IDS is empty: concerns about a member of staff cannot be delivered to "
    "the headteacher (they go to the DSL instead). List the headteacher."
)
DOCTOR_NO_CHAIR = (
    "CHAIR_USER_IDS is empty: concerns about the headteacher cannot be delivered to the chair "
    "of governors (they go to the DSL instead). List the chair."
)
DOCTOR_SLACK_OFF = "Slack is not configured (no SLACK_BOT_TOKEN): only Teams is served."
DOCTOR_TEAMS_CREDENTIALS_OK = (
    "Teams: MICROSOFT_APP_ID ({app_id}), MICROSOFT_APP_PASSWORD and MICROSOFT_APP_TENANT_ID "
    "({tenant}) are set, so only requests signed by Microsoft for this bot are accepted."
)
DOCTOR_TEAMS_BOT_OK = (
    "Teams: bot {app_id} serves {school} with its own secret and tenant ({tenant}); its "
    "admins can open the settings card by typing \u201csettings\u201d to it."
)
DOCTOR_TEAMS_BOT_NO_TENANT = (
    "Teams: bot {app_id} ({school}) has no tenant: set MICROSOFT_APP_TENANT_ID_{suffix} (or "
    "MICROSOFT_APP_TENANT_ID) to its directory (tenant) id, as single-tenant bots need."
)
DOCTOR_TEAMS_BOT_NO_ADMIN = (
    "Teams: bot {app_id} ({school}) has no admin, so nobody can set its DSLs in the chat: "
    "list their Entra object ids in POLICYBOT_TEAMS_ADMINS_{suffix}."
)
DOCTOR_TEAMS_ANONYMOUS = (
    "Teams: MICROSOFT_APP_ID is not set, so serve refuses to start unless "
    "POLICYBOT_TEAMS_INSECURE_DEV=1, which accepts anonymous requests on 127.0.0.1 only "
    "\u2014 for local development. Set MICROSOFT_APP_ID, MICROSOFT_APP_PASSWORD and "
    "MICROSOFT_APP_TENANT_ID from the Azure Bot before real use."
)
DOCTOR_TEAMS_APP_ID_MISSING = (
    "Teams: {set_names} set but MICROSOFT_APP_ID is not, so /api/messages accepts anonymous "
    "requests. Set MICROSOFT_APP_ID to the bot's Microsoft App ID (Azure Bot \u2192 "
    "Configuration)."
)
DOCTOR_TEAMS_PASSWORD_MISSING = (
    "Teams: MICROSOFT_APP_PASSWORD is not set: create a client secret for the app "
    "registration named by MICROSOFT_APP_ID (Azure Bot \u2192 Configuration \u2192 Manage "
    "password). policybot serve will not start without it."
)
DOCTOR_TEAMS_TENANT_MISSING = (
    "Teams: MICROSOFT_APP_TENANT_ID is not set: a single-tenant bot (the simplest kind) "
    "needs its directory (tenant) id. Leave it empty only for a multi-tenant bot."
)
DOCTOR_TEAMS_APP_ID_ODD = (
    "Teams: MICROSOFT_APP_ID {app_id} does not look like a Microsoft App ID (a GUID such as "
    "00000000-0000-0000-0000-000000000000): copy it again from the Azure Bot's Configuration."
)
DOCTOR_TEAMS_DSLS_OK = "Teams: TEAMS_DSL_AAD_IDS lists {count} DSL(s) who can Claim and Resolve."
DOCTOR_TEAMS_NO_DSLS = (
    "Teams: TEAMS_DSL_AAD_IDS is empty: nobody can Claim or Resolve a concern raised on "
    "Teams, or choose where concerns go. List the DSL and deputies' Entra object ids (Entra "
    "admin centre \u2192 Users), comma-separated."
)
DOCTOR_TEAMS_NO_HEADTEACHER = (
    "Teams: TEAMS_HEADTEACHER_AAD_IDS is empty: concerns about a member of staff raised on "
    "Teams cannot be delivered."
)
DOCTOR_TEAMS_NO_CHAIR = (
    "Teams: TEAMS_CHAIR_AAD_IDS is empty: concerns about the headteacher raised on Teams "
    "cannot be delivered."
)
DOCTOR_TEAMS_DESTINATION_OK = (
    "Teams: concerns go to the conversation a DSL chose with setup dsl ({conversation})."
)
DOCTOR_TEAMS_NO_DESTINATION = (
    "Teams: no DSL conversation has been chosen yet, so concerns go to each DSL's 1:1 chat "
    "with policybot. To use a private channel instead, add policybot there and have a DSL "
    "send \u201c@policybot setup dsl\u201d in it."
)
DOCTOR_TEAMS_DESTINATION_UNKNOWN = (
    "Teams: could not check where concerns go, because the escalation database could not "
    "be opened (see DATABASE_URL above)."
)

# --- The policybot command (bot/cli/main.py, bot/cli/escalations.py) ---------------------

CLI_ERROR = "Error: {error}"
CLI_PATH_MISSING = "{path} does not exist."
CLI_INDEXING = "Indexing"
CLI_INDEXED = (
    "Indexed {documents} documents, {passages} passages ({parsed} parsed, {reused} unchanged) "
    "into {out} in {seconds:.1f}s; {failed} failed, {warnings} warnings."
)
CLI_INDEXED_FIRST = "(Indexed {documents} documents, {passages} passages.)"
CLI_ASK_PROMPT = "Ask about a policy>"
CLI_NO_SUCH_SCHOOL = "No school called {school!r} in the index. Known: {known}."
CLI_NO_SCHOOLS = "none"
CLI_AUDIT_TRAIL = "audit trail:"

# --- Escalations: raising a concern with the DSL (bot/escalation/, bot/store/) --------

STORE_OPEN_FAILED = (
    "Could not open the escalation database ({scheme}, from DATABASE_URL). Check DATABASE_URL "
    "and that the database is running: concerns cannot be stored until it is."
)
STORE_UNAVAILABLE = (
    "I couldn't save your concern because the database is not working. Nothing was sent. "
    "Please go to the DSL in person now, or phone them."
)
STORE_SLOW = (
    "Saving your concern is taking too long, so I can't promise it was sent. Please go to "
    "the DSL in person now, or phone them. If it does save, the DSL will also get it with a "
    "reference."
)
ESCALATION_NOT_FOUND = "There is no escalation with the reference {ref}."
ESCALATION_NOT_ALLOWED = (
    "Only the school's Designated Safeguarding Lead and deputies can claim, resolve or record "
    "this concern. Nothing has been changed."
)
ESCALATION_RECEIPT = (
    "Stored with reference {ref}; delivering to {route_name}. This message will say when it "
    "has been delivered. If a child is in immediate danger, call 999 now."
)
ESCALATION_NO_RECIPIENT = (
    "Not sent: nobody is set up to receive concerns here yet. Please speak to the DSL in "
    "person now. If a child is in immediate danger, call 999."
)
DSL_FACT_NOTE = "Note"
DSL_REROUTED = {
    "staff": "About a member of staff: no headteacher is set up, so this came to the DSL.",
    "headteacher": (
        "About the headteacher: no chair of governors is set up, so this came to the DSL."
    ),
}
ESCALATION_DELIVERED = (
    "{ref}: Delivered to {route_name} at {time}. They will pick it up and may contact you. "
    "If a child is in immediate danger, call 999 now."
)
ESCALATION_NOT_DELIVERED = (
    "{ref}: Not delivered yet: please speak to the DSL in person ({dsl}). Your concern is "
    "stored and will still be delivered. If a child is in immediate danger, call 999 now."
)
ESCALATION_CLAIMED = "Your concern {ref} has been picked up by {actor}."
ESCALATION_RESOLVED = "Your concern {ref} has been marked as resolved by {actor}."
ESCALATION_RECORDED = "Your concern {ref} has been recorded in the school's safeguarding system."
ESCALATION_REOPENED = "Your concern {ref} has been reopened by {actor}."
ESCALATION_UNASSIGNED = "Your concern {ref} is waiting to be picked up again by {route_name}."
ESCALATION_ALREADY_CLAIMED = "{ref} is already claimed by {actor}."
ESCALATION_REMINDER = (
    "Reminder: concern {ref} for {route_name} has not been claimed for {minutes} minutes."
)
REMINDER_OPEN = "Open the concern"  # the link to the original post
ESCALATION_URGENT_MARK = "URGENT: "  # before an urgent concern's reminders
ESCALATION_URGENT_ALERT = (
    "URGENT: concern {ref} says a child may be at immediate risk ({risk}). "
    "Please open it and claim it now."
)
ROUTE_NAMES = {
    "dsl": "the Designated Safeguarding Lead",
    "headteacher": "the headteacher",
    "chair": "the chair of governors",
}
CLI_NO_ESCALATIONS = "No escalations."
CLI_PURGED = "Removed the details of {count} resolved escalation(s) older than {age}."
CLI_BAD_DURATION = "Give the age as a number and a unit, for example 90d, 12w, 48h or 30m."
CLI_BAD_MONTH = "Give the month as YYYY-MM, e.g. 2026-03."
CLI_EVAL_NO_SCHOOL = (
    "--by-school answers each question from its own school, but {count} question(s) have no "
    '"school" field (first: {first}).'
)
CLI_EVAL_NO_QUESTIONS = "No question in the files belongs to {schools}."
CLI_EVAL_UNKNOWN_SCHOOL = (
    "The questions name schools the index does not hold: {missing}. Known: {known}."
)

# --- Microsoft Teams (bot/teams) ---------------------------------------------------------
# Teams cards show these as plain text (never Markdown), so they carry no * or _ marks.

TEAMS_HELP = (
    "Ask me about the school's policies: send me a message here, or mention me in a channel "
    "with your question. For example: \u201ccan I follow an ex-pupil on Instagram?\u201d"
)
TEAMS_PRIVATE_REPLY_SENT = (
    "I've sent you a private reply. If this is about a child's safety, please talk to the DSL."
)
TEAMS_DELETE_PUBLIC = (
    "Your message in the channel can still be seen by everyone there, and I can't delete it "
    "for you. Please delete it now: hover over it, select … (More options), then Delete. "
    "On a phone, press and hold the message, then tap Delete."
)
TEAMS_ANSWER_REQUIRED = "Please answer this question."
TEAMS_RAISE_SENT = (
    "Stored with reference {ref}; delivering to {route_name}. A message in this chat will tell "
    "you when it has been delivered. If a child is in immediate danger, call 999 now."
)
TEAMS_RAISE_INTRO = (
    "Raise a safeguarding concern without asking a question first: the form opens in a window "
    "only you can see, and says who it goes to before you send it."
)
TEAMS_RAISE_ALREADY_SENT = "This form has already been sent (reference {ref})."
TEAMS_ALERT = "\U0001f6a8"
TEAMS_WARNING = "\u26a0"
TEAMS_SETUP_DONE = (
    "Done: concerns raised on Teams will be posted in this conversation. Only the DSLs "
    "listed in TEAMS_DSL_AAD_IDS can claim or resolve them."
)
TEAMS_SETUP_PERSONAL = (
    'Concerns cannot be posted in a 1:1 chat: other DSLs would not see them. Send "setup '
    'dsl" in a private channel or a group chat whose members are all DSLs. Nothing has been '
    "changed."
)
TEAMS_SETUP_NOT_ONLY_DSLS = (
    "Concerns cannot be posted here: {count} member(s) of this conversation are not DSLs listed "
    'in TEAMS_DSL_AAD_IDS, and concerns must be seen only by the DSLs. Send "setup dsl" in a '
    "private channel or a group chat whose members are all DSLs. Nothing has been changed."
)
TEAMS_SETUP_ROSTER_FAILED = (
    "Teams did not say who is in this conversation, so it cannot be checked that only DSLs "
    "will see concerns. Please try again later. Nothing has been changed."
)
TEAMS_SETUP_TOLD = (
    '{who} chose where concerns raised on Teams are now posted: "{where}". Only the listed '
    "DSLs are members there."
)
TEAMS_SETUP_THIS_CHAT = "this chat"
TEAMS_SETUP_A_DSL = "A DSL"
TEAMS_SETUP_REFUSED = (
    "Only a Designated Safeguarding Lead listed in TEAMS_DSL_AAD_IDS can choose where "
    "concerns are posted. Nothing has been changed."
)

INDEX_EMBEDDING = "Embeddings: {model}; {count} passages embedded now (unchanged ones reused)."

# --- What the policy owner learns: the monthly summary (bot/chat/summary.py) -----------

SUMMARY_TITLE = "Questions this month"
SUMMARY_ASKED = (
    "{asked} question(s) asked in {month} ({last} in {last_month}); {no_clause} found no "
    "clause; {concerns} raised a concern."
)
SUMMARY_PLATFORM = "{platform}: {count}"
SUMMARY_PLATFORM_NAMES = {"slack": "Slack", "teams": "Teams"}
SUMMARY_TOP = "Policies and sections that answered them"
SUMMARY_TOP_LINE = "{policy} \u2014 {section}: {count}"
SUMMARY_TOP_LINE_NO_SECTION = "{policy}: {count}"
SUMMARY_WEEKS = "No clause found, by week"
SUMMARY_WEEK_LINE = "Week of {week}: {no_clause} of {asked}"
SUMMARY_NOT_HELPFUL = f"Clauses marked \u201c{BUTTON_NOT_HELPFUL}\u201d"
SUMMARY_NOT_HELPFUL_LINE = "{clause}: {count}"
SUMMARY_SAMPLES = "Unanswered questions (the 30-day sample; only you see these)"
SUMMARY_NONE = "None this month."
SUMMARY_PRIVACY = (
    "Only you, as the school's admin, see this. No question text is kept, except the "
    "30-day sample of unanswered questions when it is turned on; questions that raised a "
    "concern are never kept."
)
SUMMARY_UNAVAILABLE = "The summary is not available right now (the database is not working)."
SUMMARY_ONLY_ADMIN = "The monthly summary is only for the school's admin."
# --- Slack OAuth install and school settings (bot/slack/install.py, home_settings.py) ------

SERVE_OAUTH_SOCKET = (
    "Socket Mode serves one workspace: unset SLACK_CLIENT_ID / SLACK_CLIENT_SECRET, or serve "
    "over HTTP for OAuth installs."
)
SERVE_OAUTH_NO_SIGNING_SECRET = (
    "SLACK_SIGNING_SECRET is not set: OAuth installs need it (Basic Information -> Signing Secret)."
)
INSTALL_WELCOME = (
    "policybot is installed for *{school}*, and you are its admin. Open my *Home* tab and "
    "choose *Settings* to name the private channel for concerns, the DSL and deputies, the "
    "headteacher and the chair of governors. Until a DSL is set, concerns cannot be sent."
)
SETTINGS_HEADER = "*School settings*"
SETTINGS_INTRO = (
    "You are an admin for *{school}*: choose where concerns go and who is shown on answers."
)
BUTTON_SETTINGS = "Settings"
SETTINGS_TITLE = "School settings"
SETTINGS_SAVE = "Save"
SETTINGS_CANCEL = "Cancel"
SETTINGS_NAME = "School name"
SETTINGS_DSL_CHANNEL = "Private channel for concerns"
SETTINGS_DSL_CHANNEL_HINT = (
    "A private channel only the DSL and deputies can read. Invite @policybot to it first. "
    "Leave empty to send concerns to each DSL by direct message."
)
SETTINGS_DSL_IDS = "DSL and deputies (the first is the DSL)"
SETTINGS_HEADTEACHER = "Headteacher"
SETTINGS_CHAIR = "Chair of governors"
SETTINGS_DSL_PHONE = "DSL phone number (shown on answers)"
SETTINGS_DEPUTY_PHONE = "Deputy DSL phone number (shown on answers)"
SETTINGS_HEADTEACHER_PHONE = "Headteacher phone number (shown on answers)"
SETTINGS_CHAIR_PHONE = "Chair of governors phone number (shown on answers)"
SETTINGS_RETENTION = "Keep concern details for (days)"
SETTINGS_RETENTION_HINT = (
    "After a concern is resolved, its details are removed after this many days (the reference "
    "and who acted are kept)."
)
SETTINGS_NOT_ADMIN = (
    "Only this school's policybot admins can change its settings. Ask the person who "
    "installed policybot."
)
SETTINGS_PUBLIC_CHANNEL = (
    "That channel is public: concerns must go to a private channel only the DSL and deputies "
    "can read. Choose or create a private channel."
)
SETTINGS_CHANNEL_UNREADABLE = (
    "policybot can't see that channel. Invite @policybot to it (/invite @policybot), then "
    "choose it again."
)
SETTINGS_NO_DSL = "Choose at least the DSL."
SETTINGS_RETENTION_RANGE = "Enter a whole number of days from 1 to 3650."
SETTINGS_SAVED = "Settings saved for *{school}*."
SETTINGS_UNAVAILABLE = (
    "Settings couldn't be saved just now (the database is unavailable). Nothing was changed; "
    "please try again in a minute."
)
TEAMS_SETTINGS_NOT_ADMIN = (
    "Only this school's policybot admins can change its settings. Your IT lead names them "
    "when setting policybot up; ask them to add you."
)
TEAMS_SETTINGS_NOT_HERE = (
    "School settings are not kept in the chat on this deployment: they are set by whoever "
    "runs policybot (school.toml and the environment)."
)
TEAMS_SETTINGS_INTRO = (
    "You are an admin for {school}: choose who receives concerns and who is shown on answers."
)
TEAMS_SETTINGS_DESTINATION = "Where concerns go"
TEAMS_SETTINGS_DESTINATION_SET = "The conversation {where}, set with \u201csetup dsl\u201d."
TEAMS_SETTINGS_DESTINATION_NONE = "Each DSL and deputy, in their 1:1 chat with policybot."
TEAMS_SETTINGS_DESTINATION_HINT = (
    "To have concerns posted in a private channel or group chat instead, a DSL named below "
    "types \u201csetup dsl\u201d there (mentioning @policybot). Only the DSLs may be in it."
)
TEAMS_SETTINGS_PICK_HINT = "Search for people in your organisation."
TEAMS_SETTINGS_SAVED = "Settings saved for {school}."
TEAMS_SETTINGS_BAD_PERSON = "Choose people from your organisation for {field}."
DOCTOR_OAUTH_OK = (
    "OAuth install is on (SLACK_CLIENT_ID / SLACK_CLIENT_SECRET): workspaces install at "
    "/slack/install; SLACK_BOT_TOKEN is not used."
)
DOCTOR_NO_SCHOOLS = (
    "No workspace has installed policybot yet: open https://YOUR-HOST/slack/install to add one."
)
DOCTOR_SCHOOL_UNINSTALLED = "{school}: uninstalled (its settings are kept for a reinstall)."
DOCTOR_SCHOOL_NO_TOKEN = (
    "{school}: no bot token is stored for workspace {team}: reinstall at /slack/install."
)
DOCTOR_SCHOOL_AUTH_OK = "{school}: Slack accepted its bot token."
DOCTOR_SCHOOL_AUTH_FAILED = (
    "{school}: Slack refused its bot token ({error}): reinstall at /slack/install."
)
DOCTOR_SCHOOL_CHANNEL_OK = "{school}: concerns go to the private channel {channel}."
DOCTOR_SCHOOL_CHANNEL_PUBLIC = (
    "{school}: {channel} is a public channel: its admin must choose a private channel in "
    "App Home -> Settings."
)
DOCTOR_SCHOOL_CHANNEL_FAILED = (
    "{school}: policybot cannot see {channel} ({error}): invite @policybot to it."
)
DOCTOR_SCHOOL_NO_DESTINATION = (
    "{school}: no private channel for concerns: they go to the DSLs by direct message (its "
    "admin can choose a channel in App Home -> Settings)."
)
DOCTOR_SCHOOL_NO_DSL = (
    "{school}: no DSL is set: concerns cannot be sent. Its admin sets one in App Home -> Settings."
)
DOCTOR_SCHOOL_DSL_OK = "{school}: {count} DSL(s) and deputies can Claim and Resolve."
# --- Policies sent by DM, App Home documents, web sources (bot.policies) -------------------

UPLOAD_NOT_ADMIN = (
    "Thank you for sending that. Only your school's policybot admins can add policies, so I "
    "haven't kept the file. If it should be added, please ask your DSL or office manager."
)
UPLOAD_NO_SCHOOL = (
    "I don't know which school this workspace belongs to yet, so I can't add policies here. "
    "Ask whoever set policybot up to link it to your school."
)
UPLOAD_WORKING = "Thanks: reading {count} file(s) for {school}. This can take a minute."
UPLOAD_INDEXED_HEAD = "Indexed for {school}:"
UPLOAD_INDEXED_LINE = "\u2022 {title} \u2014 {clauses}{review}"
CLAUSES_ONE = "1 clause"
CLAUSES_MANY = "{count} clauses"
UPLOAD_REVIEW = ", review date {review}"
UPLOAD_FAILED_HEAD = "Could not be read:"
UPLOAD_FAILED_LINE = "\u2022 {name}: {problem}"
UPLOAD_NOTHING = "None of the files could be indexed; the school's policies are unchanged."
UPLOAD_TOO_BIG = "larger than {limit} MB; send a smaller copy (e.g. without scanned images)."
UPLOAD_WRONG_TYPE = "not a PDF, Word (.docx or .doc), Markdown or text file."
UPLOAD_TOO_MANY = "only the first {limit} files of a message are read; send the rest separately."
UPLOAD_DOWNLOAD_FAILED = "could not be downloaded; please send it again."
UPLOAD_FAILED_ALL = (
    "Sorry, I couldn't index those files just now; nothing was changed. Please try again "
    "in a few minutes."
)
UPLOAD_REPLACE_ASK = (
    "Send me the new version of *{title}* here as a file, and I'll put it in place of the old one."
)
UPLOAD_REPLACED = "Replaced {old} with the file you sent."

DOCS_HEADER = "*Your school's policies* ({count})"
DOCS_NONE = (
    "No policies have been added for your school yet. Send me PDF or Word files in this "
    "chat to add them."
)
DOCS_HOW_TO_ADD = "To add policies, send the files to me in this chat (PDF or Word)."
DOCS_LINE = "*{title}*\n{clauses} \u00b7 review {review} \u00b7 added {added}"
DOCS_NO_REVIEW = "date not given"
DOCS_MORE = "\u2026 and {count} more: see `policybot sources list` or ask your provider."
DOCS_REMOVE = "Remove"
DOCS_REPLACE = "Replace"
DOCS_CONFIRM_TITLE = "Remove this policy?"
DOCS_CONFIRM_TEXT = (
    "*{title}* will no longer be used to answer questions. You can send it again later."
)
DOCS_CONFIRM_YES = "Remove"
DOCS_CONFIRM_NO = "Cancel"
DOCS_REMOVED = "Removed *{title}*; it is no longer used to answer questions."
DOCS_NOT_ADMIN = "Only your school's policybot admins can change its policies."

SOURCES_ADDED = "Added {url} for {school}: {indexed} indexed, {failed} could not be read."
SOURCES_EXISTS = "{url} is already a source for {school}; checking it now."
SOURCES_REMOVED = "Removed {url} from {school} and the {count} policies it brought."
SOURCES_UNKNOWN = "{url} is not a source of {school}."
SOURCES_NONE = "No web sources yet. Add one with: policybot sources add URL --school SLUG"
SOURCES_LINE = "{school}  {url}  (checked {checked}; {count} documents)"
SOURCES_REFRESHED = (
    "{school} {url}: {fetched} changed and re-indexed, {unchanged} unchanged, "
    "{removed} removed, {failed} could not be read."
)
SOURCES_PROBLEM = "  {name}: {problem}"
SOURCES_PAGE_FAILED = "the page could not be fetched ({reason}); nothing was changed."
SOURCES_BAD_URL = "{url} is not an http(s) address."
