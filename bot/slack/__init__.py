"""The Slack skin: a thin slack_bolt layer over the answer and escalation cores."""
