"""The `ask_user` tool: a question for the user; the turn waits for the answer."""

from ..executors.questions import MAX_CHOICE_CHARS, MAX_CHOICES, MAX_QUESTION_CHARS, UserQuestions
from .arguments import Arguments, Field, JsonArray
from .base import Tool

DESCRIPTION = (
    "Ask the user a question and wait for the answer, which comes back as this tool's result in the same "
    "turn. Use it when the request is ambiguous and a wrong guess would waste work (e.g. per year or per "
    "month? which of two files?), not for questions you can answer with the other tools. Give `choices` "
    "when the answer is one of a few options (shown as buttons); `allow_free_text` (default true) lets the "
    "user type another answer. Call it alone, or after the other tools of the same response. The result is "
    '{"answer": "..."}, or an error UNANSWERED when the user wrote a new message instead. '
    f"Question at most {MAX_QUESTION_CHARS:,} characters, at most {MAX_CHOICES} choices of {MAX_CHOICE_CHARS} characters. "
    'Example: {"question": "Per year or per month?", "choices": ["Per year", "Per month"]}.'
)

class AskUserArguments(Arguments):
    question: str = Field(description="The question, in the user's language.")
    choices: JsonArray | None = Field(
        None, description="Possible answers, shown as buttons.", json_schema_extra={"items": {"type": "string"}}
    )
    allow_free_text: bool | None = Field(None, description="Whether the user may type an answer (default true).")

TOOL = Tool(
    name="ask_user",
    description=DESCRIPTION,
    arguments=AskUserArguments,
    executor=UserQuestions,
    awaits="answer",
)
