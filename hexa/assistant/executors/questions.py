"""ask_user's work: a question for the user, checked and normalised before the turn waits
for the answer (see waiting.py). Model output is untrusted: the question and its choices
are bounded, so that the card the page shows stays a card."""

from hexa.core.text import is_storable_text

from ..errors import AssistantError, ToolErrorCode
from .errors import requires, tool_method

MAX_QUESTION_CHARS = 2_000
MAX_CHOICES = 10
MAX_CHOICE_CHARS = 200
# An answer typed by the user, given back to the model as the tool's result.
MAX_ANSWER_CHARS = 4_000


def _text(value, what, limit) -> str:
    text = " ".join(value.split()) if isinstance(value, str) else ""
    if not text or not is_storable_text(text):
        raise AssistantError(ToolErrorCode.INVALID_INPUT, f"The {what} must be a non-empty text.")
    if len(text) > limit:
        raise AssistantError(ToolErrorCode.INVALID_INPUT, f"The {what} must be at most {limit:,} characters.")
    return text


class UserQuestions:
    """Questions the model asks the user of a conversation, in a workspace they belong to."""

    def __init__(self, user, workspace):
        self.user = user
        self.workspace = workspace

    @tool_method()
    @requires("assistant.create_conversation", "Only members of the workspace can be asked.")
    def ask_user(self, question, choices=None, allow_free_text=None) -> dict:
        return normalised_question(question, choices, allow_free_text)


def normalised_question(question, choices=None, allow_free_text=None) -> dict:
    """{"question", "choices", "allow_free_text"}: what the page shows; raises AssistantError."""
    question = _text(question, "question", MAX_QUESTION_CHARS)
    choices = choices if isinstance(choices, list) else []
    if len(choices) > MAX_CHOICES:
        raise AssistantError(ToolErrorCode.INVALID_INPUT, f"Offer at most {MAX_CHOICES} choices.")
    normalised = []
    for choice in choices:
        choice = _text(choice, "choice", MAX_CHOICE_CHARS)
        if choice not in normalised:
            normalised.append(choice)
    # without choices, the only answer is a typed one
    free_text = not normalised or allow_free_text is not False
    return {"question": question, "choices": normalised, "allow_free_text": free_text}


def check_answer(question: dict, answer) -> tuple[str | None, str | None]:
    """(the answer as stored, None) or (None, why it is refused: INVALID_ANSWER)."""
    if not isinstance(answer, str) or not is_storable_text(answer):
        return None, "INVALID_ANSWER"
    answer = answer.strip()
    if not answer or len(answer) > MAX_ANSWER_CHARS:
        return None, "INVALID_ANSWER"
    # a choice as the model spelled it (the page may send it so) is the choice
    if not question.get("allow_free_text", True) and " ".join(answer.split()) not in question.get("choices", []):
        return None, "INVALID_ANSWER"
    return answer, None
