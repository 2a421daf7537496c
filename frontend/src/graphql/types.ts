export type Maybe<T> = T | null;
export type InputMaybe<T> = Maybe<T>;
export type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
export type MakeOptional<T, K extends keyof T> = Omit<T, K> & { [SubKey in K]?: Maybe<T[SubKey]> };
export type MakeMaybe<T, K extends keyof T> = Omit<T, K> & { [SubKey in K]: Maybe<T[SubKey]> };
export type MakeEmpty<T extends { [key: string]: unknown }, K extends keyof T> = { [_ in K]?: never };
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
/** All built-in and custom scalars, mapped to their actual values */
export type Scalars = {
  ID: { input: string; output: string; }
  String: { input: string; output: string; }
  Boolean: { input: boolean; output: boolean; }
  Int: { input: number; output: number; }
  Float: { input: number; output: number; }
  /** An ISO-8601 date and time with a time zone. */
  DateTime: { input: string; output: string; }
  /** Any JSON value. */
  JSON: { input: any; output: any; }
  /** A UUID, as a string. */
  UUID: { input: string; output: string; }
};

export type AnswerAssistantQuestionError =
  | 'ALREADY_ANSWERED'
  /** Empty, too long, an unstorable character, or not one of the choices when free text is not allowed. */
  | 'INVALID_ANSWER'
  /** No such question among the current user's conversations. */
  | 'NOT_FOUND'
  /** The turn stopped waiting: the user wrote a new message, or the wait expired. */
  | 'QUESTION_CLOSED';

export type AnswerAssistantQuestionInput = {
  /** One of the question's choices, or a typed answer when it allows free text. */
  answer: Scalars['String']['input'];
  toolExecutionId: Scalars['UUID']['input'];
};

export type AnswerAssistantQuestionResult = {
  __typename?: 'AnswerAssistantQuestionResult';
  errors: Array<AnswerAssistantQuestionError>;
  success: Scalars['Boolean']['output'];
  toolExecution?: Maybe<AssistantToolExecution>;
};

export type AssistantBudgetScope =
  | 'USER'
  | 'WORKSPACE';

export type AssistantBudgetStatus = {
  __typename?: 'AssistantBudgetStatus';
  limit: Scalars['String']['output'];
  resetsAt: Scalars['DateTime']['output'];
  scope: AssistantBudgetScope;
  spent: Scalars['String']['output'];
};

/** A client the current user let call the workspace tools, and what it may use. */
export type AssistantClient = {
  __typename?: 'AssistantClient';
  createdAt: Scalars['DateTime']['output'];
  id: Scalars['UUID']['output'];
  kind: AssistantClientKind;
  /** The last tool call (to the minute); null if none. */
  lastUsedAt?: Maybe<Scalars['DateTime']['output']>;
  name: Scalars['String']['output'];
  /** Null while it works. */
  revokedAt?: Maybe<Scalars['DateTime']['output']>;
  tools: Array<AssistantToolName>;
  /** The granted workspaces the user is still a member of (leaving one ends the client's access to it). */
  workspaces: Array<Workspace>;
};

export type AssistantClientKind =
  /** An OAuth client the user authorised on the consent page. */
  | 'OAUTH'
  /** A token the user created on the page, for a client configured by hand. */
  | 'PERSONAL_TOKEN';

/** The MCP tool calls of one client in a workspace. */
export type AssistantClientUsage = {
  __typename?: 'AssistantClientUsage';
  calls: Scalars['Int']['output'];
  clientId: Scalars['UUID']['output'];
  failures: Scalars['Int']['output'];
  kind: AssistantClientKind;
  lastCallAt?: Maybe<Scalars['DateTime']['output']>;
  name: Scalars['String']['output'];
  /** Null when the user was deleted. */
  user?: Maybe<User>;
};

export type AssistantConversation = {
  __typename?: 'AssistantConversation';
  cacheCreationInputTokens: Scalars['Float']['output'];
  cacheReadInputTokens: Scalars['Float']['output'];
  cost: Scalars['String']['output'];
  createdAt: Scalars['DateTime']['output'];
  /**
   * The questions of the branch shown that were edited and sent again (one never edited is
   * not listed), with their versions: switchAssistantBranch shows another version's branch.
   */
  editedQuestions: Array<AssistantQuestionVersions>;
  /** Up to three follow-up questions proposed after its last answer (the page shows them under it). */
  followUps: Array<Scalars['String']['output']>;
  id: Scalars['UUID']['output'];
  inputTokens: Scalars['Float']['output'];
  /** The current user owns it (false: a conversation shared with them, which they can only read or continue). */
  isMine: Scalars['Boolean']['output'];
  isRunning: Scalars['Boolean']['output'];
  /**
   * The newest answer the model is no longer sent, or null: answers written while the workspace sent
   * rows to the model are not sent again once its data policy (sendRowsToModel: false) is on; the
   * model is sent each question and a note in place of its answer. Every answer up to this one is
   * hidden so.
   */
  lastAnswerHiddenFromModel?: Maybe<Scalars['UUID']['output']>;
  /** Sequence number of the last stored stream event (0 if none). */
  lastEventSeq: Scalars['Int']['output'];
  messages: AssistantMessagePage;
  model: Scalars['String']['output'];
  /** True when answers come from the offline demo model, not Claude. */
  offlineModel: Scalars['Boolean']['output'];
  outputTokens: Scalars['Float']['output'];
  /** Who owns it (the display name), for a conversation shared with the current user. */
  ownerName: Scalars['String']['output'];
  /** Writes in this conversation still waiting for the user's decision, oldest first. */
  pendingApprovals: Array<AssistantToolExecution>;
  /** In a list searched with `search`: the passage of its latest message that matches (null: the title matched). */
  searchExcerpt?: Maybe<Scalars['String']['output']>;
  /** Shared by its owner with the workspace's members, who read it (read-only). */
  shared: Scalars['Boolean']['output'];
  /** Earlier turns summarised to keep the conversation within the model's context, oldest first. */
  summaries: Array<AssistantConversationSummary>;
  title: Scalars['String']['output'];
  updatedAt: Scalars['DateTime']['output'];
  /** Its answers that ran verified queries, with who verified them (what the page marks). */
  verifiedAnswers: Array<AssistantVerifiedAnswer>;
  workspace: Workspace;
};


export type AssistantConversationMessagesArgs = {
  page?: InputMaybe<Scalars['Int']['input']>;
  perPage?: InputMaybe<Scalars['Int']['input']>;
};

export type AssistantConversationError =
  | 'INVALID_TITLE'
  | 'NOT_FOUND';

export type AssistantConversationPage = {
  __typename?: 'AssistantConversationPage';
  items: Array<AssistantConversation>;
  /** True when a search found more conversations than it lists (the 500 most recently active that match). */
  moreMatches: Scalars['Boolean']['output'];
  pageNumber: Scalars['Int']['output'];
  totalItems: Scalars['Int']['output'];
  totalPages: Scalars['Int']['output'];
};

/**
 * Earlier turns of a conversation summarised by the model when the conversation outgrew its
 * context. The model is sent the summary instead of the turns it covers (a newer summary
 * includes the older ones); the messages themselves stay stored and shown.
 */
export type AssistantConversationSummary = {
  __typename?: 'AssistantConversationSummary';
  cost: Scalars['String']['output'];
  createdAt: Scalars['DateTime']['output'];
  /** True when the model is not sent this summary: it was written while rows were sent to the model, and the data policy is now on. */
  hiddenFromModel: Scalars['Boolean']['output'];
  id: Scalars['UUID']['output'];
  /** Tokens and cost of the call that wrote it (counted in the conversation's totals). */
  inputTokens: Scalars['Float']['output'];
  /** The last message it covers. */
  lastMessageId: Scalars['UUID']['output'];
  outputTokens: Scalars['Float']['output'];
  /** The summary, as the model wrote it. */
  text: Scalars['String']['output'];
};

/** Why a message could not be sent, or why a turn ended without an answer. */
export type AssistantErrorCode =
  | 'API_ERROR'
  | 'ASSISTANT_NOT_CONFIGURED'
  | 'AUTHENTICATION_FAILED'
  | 'BAD_REQUEST'
  | 'BUDGET_EXCEEDED'
  | 'CONTEXT_TOO_LONG'
  | 'CONVERSATION_BUSY'
  /** The database could not be reached; nothing was lost, try again. */
  | 'DATABASE_UNAVAILABLE'
  | 'EMPTY_MESSAGE'
  | 'INTERNAL_ERROR'
  /** The turn's server stopped and it could not be resumed; what was done is kept. */
  | 'INTERRUPTED'
  /** A NUL character or a lone surrogate: text that cannot be stored. */
  | 'INVALID_MESSAGE'
  | 'MAX_TOOL_ROUNDS'
  | 'MESSAGE_TOO_LONG'
  /** An edit named an answer, or a question of another branch: only a question shown can be edited. */
  | 'NOT_EDITABLE'
  | 'NOT_FOUND'
  | 'OVERLOADED'
  | 'RATE_LIMITED'
  /** The request to the model was over the API's size limit (its 413). */
  | 'REQUEST_TOO_LARGE'
  /** No worker took the turn in time; nothing was stored, send again in a moment. */
  | 'TURN_NOT_STARTED'
  | 'UNAUTHENTICATED';

export type AssistantEvaluationError =
  | 'BUDGET_EXCEEDED'
  /** The expected result could not be computed: its query fails, or its JSON is not valid. */
  | 'INVALID_EXPECTED'
  | 'INVALID_KIND'
  | 'INVALID_MODEL'
  | 'INVALID_QUESTION'
  | 'INVALID_TOLERANCE'
  | 'NOT_FOUND'
  | 'NO_QUESTIONS'
  | 'PERMISSION_DENIED'
  /** A run of this workspace is queued or running. */
  | 'RUN_IN_PROGRESS'
  | 'TOO_MANY_QUESTIONS'
  | 'WORKSPACE_NOT_FOUND';

/** How a question's expected result is given. */
export type AssistantEvaluationExpectedKind =
  /** A query_files call over the bucket's files, as JSON: {"files": {...}, "sql": "..."}. */
  | 'FILES'
  /** A read-only SQL query on the workspace database. */
  | 'SQL'
  /** Literal values, as JSON: a list of rows, a list of values, an object (one row) or one value. */
  | 'VALUES';

/** A question of the workspace's evaluation set, with its expected result. */
export type AssistantEvaluationQuestion = {
  __typename?: 'AssistantEvaluationQuestion';
  createdAt: Scalars['DateTime']['output'];
  createdBy?: Maybe<User>;
  expected: Scalars['String']['output'];
  expectedKind: AssistantEvaluationExpectedKind;
  id: Scalars['UUID']['output'];
  question: Scalars['String']['output'];
  /** Numbers match when they differ by at most this fraction of the expected value. */
  tolerance: Scalars['Float']['output'];
  updatedAt: Scalars['DateTime']['output'];
};

export type AssistantEvaluationQuestionResult = {
  __typename?: 'AssistantEvaluationQuestionResult';
  errors: Array<AssistantEvaluationError>;
  /** Why the expected result could not be computed (INVALID_EXPECTED). */
  message?: Maybe<Scalars['String']['output']>;
  question?: Maybe<AssistantEvaluationQuestion>;
  success: Scalars['Boolean']['output'];
};

/** Why a question failed. */
export type AssistantEvaluationReason =
  | 'BUDGET_EXCEEDED'
  /** Rows are missing and others are there instead: some values differ. */
  | 'DIFFERENT_VALUES'
  /** The turn failed (its error code and message are in `detail`). */
  | 'ERROR'
  /** The expected result could not be computed (a bad query, a missing file). */
  | 'EXPECTED_ERROR'
  | 'EXTRA_ROWS'
  | 'MISSING_COLUMNS'
  | 'MISSING_ROWS'
  /** The answer has no result set, and its text does not state the expected values. */
  | 'NO_RESULT'
  /** The result set is right but the final text states other figures. */
  | 'TEXT_MISMATCH'
  | 'TIMEOUT';

/** One question of a run, graded. */
export type AssistantEvaluationResult = {
  __typename?: 'AssistantEvaluationResult';
  actualResult?: Maybe<Scalars['JSON']['output']>;
  /** The conversation of the question's turn (the run's user's). */
  conversationId?: Maybe<Scalars['UUID']['output']>;
  cost: Scalars['String']['output'];
  detail: Scalars['String']['output'];
  durationMs?: Maybe<Scalars['Int']['output']>;
  expected: Scalars['String']['output'];
  expectedKind: AssistantEvaluationExpectedKind;
  /** The expected and the answer's result sets: {columns, rows (the first 50), row_count}. */
  expectedResult?: Maybe<Scalars['JSON']['output']>;
  id: Scalars['UUID']['output'];
  /** Null while its turn runs. */
  passed?: Maybe<Scalars['Boolean']['output']>;
  /** Whether the previous run passed this question; null when it did not ask it. */
  previouslyPassed?: Maybe<Scalars['Boolean']['output']>;
  /** The question as it was asked. */
  question: Scalars['String']['output'];
  questionId?: Maybe<Scalars['UUID']['output']>;
  reason?: Maybe<AssistantEvaluationReason>;
  /** Passed by the previous run, failed by this one. */
  regressed: Scalars['Boolean']['output'];
  /** Whether the final text states the expected figures; null when not checked. */
  textMatches?: Maybe<Scalars['Boolean']['output']>;
};

export type AssistantEvaluationRun = {
  __typename?: 'AssistantEvaluationRun';
  /** Passed questions over all questions (0 to 1); null until the run ends. */
  accuracy?: Maybe<Scalars['Float']['output']>;
  /** USD, decimal string: the turns' cost. */
  cost: Scalars['String']['output'];
  createdAt: Scalars['DateTime']['output'];
  durationMs?: Maybe<Scalars['Int']['output']>;
  errorMessage: Scalars['String']['output'];
  finishedAt?: Maybe<Scalars['DateTime']['output']>;
  id: Scalars['UUID']['output'];
  model: Scalars['String']['output'];
  passedCount: Scalars['Int']['output'];
  /** The last complete run before this one, which it is compared with. */
  previousRun?: Maybe<AssistantEvaluationRun>;
  questionCount: Scalars['Int']['output'];
  /** Questions the previous run passed and this one failed. */
  regressions: Array<AssistantEvaluationResult>;
  results: Array<AssistantEvaluationResult>;
  startedBy?: Maybe<User>;
  status: AssistantEvaluationRunStatus;
};

export type AssistantEvaluationRunStatus =
  | 'COMPLETE'
  | 'FAILED'
  | 'QUEUED'
  | 'RUNNING';

/** A workspace's evaluations, for its ADMINs. */
export type AssistantEvaluations = {
  __typename?: 'AssistantEvaluations';
  /** Expected kinds this server knows. */
  expectedKinds: Array<AssistantEvaluationExpectedKind>;
  questions: Array<AssistantEvaluationQuestion>;
  /** The newest first. */
  runs: Array<AssistantEvaluationRun>;
};


/** A workspace's evaluations, for its ADMINs. */
export type AssistantEvaluationsRunsArgs = {
  limit?: InputMaybe<Scalars['Int']['input']>;
};

/** Types of stream events: the SSE `event:` field of /assistant/conversations/<id>/stream/ and /events/. */
export type AssistantEventType =
  | 'approval_required'
  | 'compacted'
  | 'done'
  | 'error'
  | 'keepalive'
  | 'resumed'
  | 'text_delta'
  | 'tool_call'
  | 'tool_result'
  | 'usage'
  | 'user_message'
  | 'waiting';

/** An example question: what it asks (kind) about what (subject: a table or a file), and its English text. */
export type AssistantExampleQuestion = {
  __typename?: 'AssistantExampleQuestion';
  kind: AssistantExampleQuestionKind;
  subject?: Maybe<Scalars['String']['output']>;
  text: Scalars['String']['output'];
};

export type AssistantExampleQuestionKind =
  | 'BUCKET_FILES'
  | 'CAPABILITIES'
  | 'SUMMARISE_FILE'
  | 'TABLE_CONTENTS'
  | 'TABLE_ROWS';

export type AssistantFeedback =
  | 'HELPFUL'
  | 'NOT_HELPFUL';

export type AssistantFeedbackComment = {
  __typename?: 'AssistantFeedbackComment';
  comment: Scalars['String']['output'];
  createdAt: Scalars['DateTime']['output'];
  feedback: AssistantFeedback;
  user?: Maybe<User>;
};

/** Feedback on answers in a workspace: counts, and the latest comments (never the conversations). */
export type AssistantFeedbackReport = {
  __typename?: 'AssistantFeedbackReport';
  helpful: Scalars['Int']['output'];
  notHelpful: Scalars['Int']['output'];
  /** The 20 latest pieces of feedback that carry a comment, newest first. */
  recentComments: Array<AssistantFeedbackComment>;
};

/** What the current user may grant a client in a workspace: the tools their role allows there. */
export type AssistantGrantableWorkspace = {
  __typename?: 'AssistantGrantableWorkspace';
  tools: Array<AssistantToolName>;
  workspace: Workspace;
};

/**
 * A message of a conversation. An assistant message is the whole answer to one user
 * message, including every model call and tool call it took. Money is USD as a decimal string.
 */
export type AssistantMessage = {
  __typename?: 'AssistantMessage';
  /** While WAITING: the calls held for the user (questions, writes to approve). */
  awaiting: Array<AssistantToolExecution>;
  cacheCreationInputTokens: Scalars['Float']['output'];
  cacheReadInputTokens: Scalars['Float']['output'];
  cost: Scalars['String']['output'];
  createdAt: Scalars['DateTime']['output'];
  errorCode?: Maybe<AssistantErrorCode>;
  errorMessage?: Maybe<Scalars['String']['output']>;
  /** What the user said of this answer; null if nothing. */
  feedback?: Maybe<AssistantFeedback>;
  /** Sequence number of this turn's first stream event: a page reloaded mid-turn resumes from it (events?after=firstEventSeq - 1). */
  firstEventSeq?: Maybe<Scalars['Int']['output']>;
  /** Up to three follow-up questions proposed after this answer (none when the workspace turned them off). */
  followUps: Array<Scalars['String']['output']>;
  id: Scalars['UUID']['output'];
  inputTokens: Scalars['Float']['output'];
  model?: Maybe<Scalars['String']['output']>;
  modelCalls: Scalars['Int']['output'];
  outputTokens: Scalars['Float']['output'];
  /** Texts and tool calls in the order they came (a user message: its text). */
  parts: Array<AssistantMessagePart>;
  /** Writes of this message still waiting for the user's decision. */
  pendingApprovals: Array<AssistantToolExecution>;
  role: AssistantMessageRole;
  status: AssistantMessageStatus;
  stopReason?: Maybe<Scalars['String']['output']>;
  text: Scalars['String']['output'];
  toolExecutions: Array<AssistantToolExecution>;
  /** The verified queries this answer ran: the page marks it "verified query" with who verified it. */
  verifiedQueries: Array<AssistantVerifiedQuery>;
  /** While WAITING: when its questions and writes are closed as unanswered (ASSISTANT_WAIT_EXPIRY_H). */
  waitingExpiresAt?: Maybe<Scalars['DateTime']['output']>;
};

/** Page 1 holds the newest messages; items are oldest first within a page. */
export type AssistantMessagePage = {
  __typename?: 'AssistantMessagePage';
  items: Array<AssistantMessage>;
  pageNumber: Scalars['Int']['output'];
  totalItems: Scalars['Int']['output'];
  totalPages: Scalars['Int']['output'];
};

/** A piece of an answer, in the order the model produced it: some text, or a tool call. */
export type AssistantMessagePart = {
  __typename?: 'AssistantMessagePart';
  text?: Maybe<Scalars['String']['output']>;
  toolExecution?: Maybe<AssistantToolExecution>;
};

/** Who wrote a message. */
export type AssistantMessageRole =
  | 'ASSISTANT'
  | 'USER';

export type AssistantMessageStatus =
  | 'CANCELLED'
  | 'COMPLETE'
  | 'FAILED'
  | 'PENDING'
  | 'RUNNING'
  /** The turn waits for the user: a question to answer, writes to approve (see `awaiting`). */
  | 'WAITING';

/** A model workspaces may choose, with Anthropic's published prices in USD per million tokens (decimal strings). */
export type AssistantModel = {
  __typename?: 'AssistantModel';
  cacheReadPrice: Scalars['String']['output'];
  cacheWritePrice: Scalars['String']['output'];
  contextWindow?: Maybe<Scalars['Int']['output']>;
  id: Scalars['String']['output'];
  inputPrice: Scalars['String']['output'];
  name: Scalars['String']['output'];
  outputPrice: Scalars['String']['output'];
};

export type AssistantModelUsage = {
  __typename?: 'AssistantModelUsage';
  model: Scalars['String']['output'];
  totals: AssistantUsageTotals;
};

export type AssistantPeriodUsage = {
  __typename?: 'AssistantPeriodUsage';
  /** Start of the day or month (UTC). */
  period: Scalars['DateTime']['output'];
  totals: AssistantUsageTotals;
};

export type AssistantPipelineAction =
  | 'RUN'
  | 'STOP';

export type AssistantPipelineParameter = {
  __typename?: 'AssistantPipelineParameter';
  code: Scalars['String']['output'];
  name: Scalars['String']['output'];
  type?: Maybe<Scalars['String']['output']>;
  value?: Maybe<Scalars['JSON']['output']>;
};

/** A pipeline run (run_pipeline) or stop (stop_pipeline_run) proposed by the model, held for the user's decision. */
export type AssistantPipelineProposal = {
  __typename?: 'AssistantPipelineProposal';
  action: AssistantPipelineAction;
  /** Each parameter of the config, as the run would get it (defaults filled in). */
  parameters: Array<AssistantPipelineParameter>;
  pipelineCode: Scalars['String']['output'];
  pipelineId: Scalars['UUID']['output'];
  pipelineName: Scalars['String']['output'];
  rejectionReason?: Maybe<Scalars['String']['output']>;
  resolvedAt?: Maybe<Scalars['DateTime']['output']>;
  /** The run started once approved (RUN), or the run to stop (STOP); follow it with `pipelineRun(id)`. */
  runId?: Maybe<Scalars['UUID']['output']>;
  versionId?: Maybe<Scalars['UUID']['output']>;
  versionName?: Maybe<Scalars['String']['output']>;
  versionNumber?: Maybe<Scalars['Int']['output']>;
  /** Until when the turn waits for the run (ASSISTANT_PIPELINE_WAIT_S after the approval). */
  waitUntil?: Maybe<Scalars['DateTime']['output']>;
};

/** A pipeline run as the assistant tells it: outputs named as the other tools read them. */
export type AssistantPipelineRun = {
  __typename?: 'AssistantPipelineRun';
  durationS?: Maybe<Scalars['Float']['output']>;
  id: Scalars['UUID']['output'];
  /** The run's latest messages (at most 5), oldest first. */
  messages: Array<AssistantPipelineRunMessage>;
  /** [{type: table | file | dataset_file | …, table?, path?, read_with?}] */
  outputs: Scalars['JSON']['output'];
  pipelineCode: Scalars['String']['output'];
  pipelineName: Scalars['String']['output'];
  progress: Scalars['Int']['output'];
  /** queued, running, success, failed, stopped, terminating, skipped */
  status: Scalars['String']['output'];
};

export type AssistantPipelineRunMessage = {
  __typename?: 'AssistantPipelineRunMessage';
  message: Scalars['String']['output'];
  priority?: Maybe<Scalars['String']['output']>;
};

/** A saved question, shown on the start screen of a new conversation. */
export type AssistantPromptTemplate = {
  __typename?: 'AssistantPromptTemplate';
  createdAt: Scalars['DateTime']['output'];
  id: Scalars['UUID']['output'];
  text: Scalars['String']['output'];
  title: Scalars['String']['output'];
  updatedAt: Scalars['DateTime']['output'];
};

export type AssistantPromptTemplateResult = {
  __typename?: 'AssistantPromptTemplateResult';
  errors: Array<AssistantSettingsError>;
  promptTemplate?: Maybe<AssistantPromptTemplate>;
  success: Scalars['Boolean']['output'];
};

/** A question the model asked the user (ask_user); answerAssistantQuestion answers it. */
export type AssistantQuestion = {
  __typename?: 'AssistantQuestion';
  /** Whether the user may type an answer other than the choices. */
  allowFreeText: Scalars['Boolean']['output'];
  /** The user's answer, once given. */
  answer?: Maybe<Scalars['String']['output']>;
  /** Possible answers, shown as buttons (may be empty). */
  choices: Array<Scalars['String']['output']>;
  question: Scalars['String']['output'];
};

/** A question of the branch shown that was edited and sent again, and its versions. */
export type AssistantQuestionVersions = {
  __typename?: 'AssistantQuestionVersions';
  /** The version on the branch shown. */
  messageId: Scalars['UUID']['output'];
  /** Its versions (itself included) in the order written, each the start of a branch. */
  versions: Array<Scalars['UUID']['output']>;
};

export type AssistantReachableEntry = {
  __typename?: 'AssistantReachableEntry';
  isDirectory: Scalars['Boolean']['output'];
  name: Scalars['String']['output'];
};

export type AssistantReachableTable = {
  __typename?: 'AssistantReachableTable';
  /** table or view */
  kind: Scalars['String']['output'];
  name: Scalars['String']['output'];
  /** PostgreSQL's estimate, null when unknown. */
  rowEstimate?: Maybe<Scalars['Float']['output']>;
};

/** How the assistant works in a workspace: members read them, workspace ADMINs change them. */
export type AssistantSettings = {
  __typename?: 'AssistantSettings';
  /** The models this server offers, with their prices (never a model Anthropic has retired). */
  availableModels: Array<AssistantModel>;
  /** Every tool of this server, to choose from. */
  availableTools: Array<AssistantToolName>;
  /** Whether the current user may change them (workspace ADMINs). */
  canManage: Scalars['Boolean']['output'];
  /** Who changed what, newest first: for workspace ADMINs (others get an empty list). */
  changes: Array<AssistantSettingsChange>;
  /** Tools offered to the model; the others are not offered, and refused if called. */
  enabledTools: Array<AssistantToolName>;
  /** Whether up to three follow-up questions are proposed after each answer. */
  followUps: Scalars['Boolean']['output'];
  /** The workspace's own instructions to the model (at most `maxInstructionsLength` characters). */
  instructions: Scalars['String']['output'];
  maxInstructionsLength: Scalars['Int']['output'];
  /** The model new conversations start with; a conversation keeps the model it started with. */
  model: Scalars['String']['output'];
  promptTemplates: Array<AssistantPromptTemplate>;
  /**
   * The model Anthropic retired that this workspace used, when the server moved it to its
   * default model; null once the model was changed again (or never moved).
   */
  retiredModel?: Maybe<Scalars['String']['output']>;
  /** False: the model gets schemas, types, counts and allowed aggregates, never row values. */
  sendRowsToModel: Scalars['Boolean']['output'];
  updatedAt?: Maybe<Scalars['DateTime']['output']>;
};


/** How the assistant works in a workspace: members read them, workspace ADMINs change them. */
export type AssistantSettingsChangesArgs = {
  limit?: InputMaybe<Scalars['Int']['input']>;
};

/**
 * One change of a workspace's assistant settings: `changes` is {field: {before, after}}. A move
 * off a retired model is made by nobody (`user` null) and marked `retired: true`: on `model` for
 * the workspace, on `conversation_model` (with `conversation: {id, title}`) for a conversation.
 */
export type AssistantSettingsChange = {
  __typename?: 'AssistantSettingsChange';
  changes: Scalars['JSON']['output'];
  createdAt: Scalars['DateTime']['output'];
  id: Scalars['ID']['output'];
  /** Null when the user was deleted. */
  user?: Maybe<User>;
};

export type AssistantSettingsError =
  | 'INSTRUCTIONS_TOO_LONG'
  | 'INVALID_DATA_POLICY'
  | 'INVALID_FOLLOW_UPS'
  /** Instructions with a character that cannot be stored (a NUL character or an unpaired surrogate). */
  | 'INVALID_INSTRUCTIONS'
  | 'INVALID_MODEL'
  | 'INVALID_TEXT'
  | 'INVALID_TITLE'
  | 'INVALID_TOOL'
  | 'NOT_FOUND'
  | 'PERMISSION_DENIED'
  | 'TOO_MANY_TEMPLATES'
  | 'WORKSPACE_NOT_FOUND';

/** What the assistant can reach in a workspace for the current user, and questions to start with. */
export type AssistantStartScreen = {
  __typename?: 'AssistantStartScreen';
  /** The first entries at the root of the workspace bucket. */
  entries: Array<AssistantReachableEntry>;
  entryCount: Scalars['Int']['output'];
  /** The same questions, by kind and subject, for a page that writes them in its reader's language. */
  exampleQuestions: Array<AssistantExampleQuestion>;
  /** Example questions built from the workspace's own tables and files. */
  examples: Array<Scalars['String']['output']>;
  tableCount: Scalars['Int']['output'];
  /** The first tables and views of the workspace database. */
  tables: Array<AssistantReachableTable>;
};

/** Why a tool call failed: the `error.code` of its output. */
export type AssistantToolErrorCode =
  | 'BINARY_FILE'
  | 'CANCELLED'
  | 'CHART_EXPRESSION'
  | 'CHART_EXTERNAL_CONTENT'
  | 'CHART_SPEC_TOO_LARGE'
  | 'CHART_TOO_COSTLY'
  | 'CUT_OFF'
  | 'DATABASE_UNAVAILABLE'
  | 'DHIS2_AUTH_FAILED'
  | 'DHIS2_ERROR'
  | 'DHIS2_INVALID_RESPONSE'
  | 'DHIS2_REDIRECT'
  | 'DHIS2_UNREACHABLE'
  | 'FILE_CHANGED'
  | 'FILE_TOO_LARGE'
  | 'FUNCTION_NOT_ALLOWED'
  | 'INTERNAL_ERROR'
  | 'INVALID_CHART_SPEC'
  | 'INVALID_CONFIG'
  | 'INVALID_INPUT'
  | 'INVALID_PATH'
  | 'INVALID_SQL'
  | 'IO_ERROR'
  | 'MEMORY_LIMIT'
  | 'MULTIPLE_STATEMENTS'
  | 'NOT_ALLOWED'
  | 'NOT_A_DIRECTORY'
  | 'NOT_A_FILE'
  | 'NOT_FOUND'
  | 'NOT_READ_ONLY'
  | 'PERMISSION_DENIED'
  | 'PIPELINE_ALREADY_COMPLETED'
  | 'QUERY_ERROR'
  | 'QUERY_TIMEOUT'
  | 'RESPONSE_TOO_LARGE'
  | 'SANDBOX_UNAVAILABLE'
  /** The workspace's admins turned this tool off. */
  | 'TOOL_DISABLED'
  | 'TOO_MANY_FILES'
  | 'UNANSWERED'
  | 'UNKNOWN_TABLE'
  | 'UNKNOWN_TOOL'
  | 'UNREADABLE_FILE'
  | 'UNSUPPORTED_FORMAT';

/** One tool call made by the model, with what it returned. */
export type AssistantToolExecution = {
  __typename?: 'AssistantToolExecution';
  createdAt: Scalars['DateTime']['output'];
  durationMs?: Maybe<Scalars['Int']['output']>;
  /** The code of the error the tool returned, if it failed. */
  errorCode?: Maybe<AssistantToolErrorCode>;
  id: Scalars['UUID']['output'];
  input: Scalars['JSON']['output'];
  /** The tool's name as the model called it. */
  name: Scalars['String']['output'];
  output?: Maybe<Scalars['JSON']['output']>;
  /** For run_pipeline and stop_pipeline_run: the run or stop the user is asked to approve, and the run. */
  pipelineProposal?: Maybe<AssistantPipelineProposal>;
  /** For write_file: what would be written, awaiting or after the user's decision. */
  proposal?: Maybe<AssistantWriteProposal>;
  /** For ask_user: the question, and the user's answer once given. */
  question?: Maybe<AssistantQuestion>;
  status: AssistantToolExecutionStatus;
  success?: Maybe<Scalars['Boolean']['output']>;
  /** The tool called; null when the model called a tool that does not exist. */
  tool?: Maybe<AssistantToolName>;
  toolUseId: Scalars['String']['output'];
};

export type AssistantToolExecutionStatus =
  | 'ANSWERED'
  | 'APPROVED'
  /** ask_user: the question waits for the user's answer. */
  | 'AWAITING_ANSWER'
  /** run_pipeline, approved: the turn waits for the run to end (see `pipelineProposal.runId`). */
  | 'AWAITING_RUN'
  | 'COMPLETED'
  | 'FAILED'
  /** A write proposed by the model, waiting for the user's decision. */
  | 'PENDING_APPROVAL'
  | 'REJECTED'
  | 'RUNNING'
  /** A question or a write left waiting: the user wrote a new message instead, or the wait expired. */
  | 'UNANSWERED';

/** The assistant's tools, named as the model calls them. */
export type AssistantToolName =
  | 'ask_user'
  | 'create_chart'
  | 'describe_tables'
  | 'get_pipeline_run'
  | 'list_connections'
  | 'list_datasets'
  | 'list_files'
  | 'list_pipelines'
  | 'query_database'
  | 'query_dhis2'
  | 'query_files'
  | 'read_file'
  | 'run_pipeline'
  | 'search_files'
  | 'stop_pipeline_run'
  | 'write_file';

export type AssistantToolUsage = {
  __typename?: 'AssistantToolUsage';
  calls: Scalars['Int']['output'];
  failures: Scalars['Int']['output'];
  meanDurationMs?: Maybe<Scalars['Float']['output']>;
  name: Scalars['String']['output'];
};

export type AssistantUsage = {
  __typename?: 'AssistantUsage';
  /** Tool calls made by MCP clients, per client. */
  byClient: Array<AssistantClientUsage>;
  byModel: Array<AssistantModelUsage>;
  byPeriod: Array<AssistantPeriodUsage>;
  byTool: Array<AssistantToolUsage>;
  byUser: Array<AssistantUserUsage>;
  /** What members said of the answers they got in the period. */
  feedback: AssistantFeedbackReport;
  from?: Maybe<Scalars['DateTime']['output']>;
  /** The workspace's monthly budget (USD), null when there is none. */
  monthlyBudget?: Maybe<Scalars['String']['output']>;
  /** Spent in the workspace in the current calendar month (UTC). */
  spentThisMonth: Scalars['String']['output'];
  to?: Maybe<Scalars['DateTime']['output']>;
  totals: AssistantUsageTotals;
};

export type AssistantUsagePeriod =
  | 'DAY'
  | 'MONTH';

/** Token counts are Floats and money decimal strings (USD): totals outgrow 32-bit integers. */
export type AssistantUsageTotals = {
  __typename?: 'AssistantUsageTotals';
  cacheCreationInputTokens: Scalars['Float']['output'];
  cacheReadInputTokens: Scalars['Float']['output'];
  conversations: Scalars['Int']['output'];
  cost: Scalars['String']['output'];
  /** The cost of those calls (USD, decimal string), included in cost. */
  estimatedCost: Scalars['String']['output'];
  /**
   * Model calls billed with the server's estimate rather than the API's report (their worker
   * was killed, or the call was cut before its final usage); included in the figures above.
   */
  estimatedModelCalls: Scalars['Int']['output'];
  inputTokens: Scalars['Float']['output'];
  /** Assistant turns (answers to a user message). */
  messages: Scalars['Int']['output'];
  modelCalls: Scalars['Int']['output'];
  outputTokens: Scalars['Float']['output'];
};

export type AssistantUserUsage = {
  __typename?: 'AssistantUserUsage';
  totals: AssistantUsageTotals;
  /** Null when the user was deleted. */
  user?: Maybe<User>;
};

/** An answer of a conversation that ran verified queries. */
export type AssistantVerifiedAnswer = {
  __typename?: 'AssistantVerifiedAnswer';
  messageId: Scalars['UUID']['output'];
  verifiedQueries: Array<AssistantVerifiedQuery>;
};

/** A question with the query that answers it, checked by the workspace's editors or admins. */
export type AssistantVerifiedQuery = {
  __typename?: 'AssistantVerifiedQuery';
  createdAt: Scalars['DateTime']['output'];
  id: Scalars['UUID']['output'];
  /** The tool's input: {query} or {files, sql}. */
  input: Scalars['JSON']['output'];
  question: Scalars['String']['output'];
  /** query_database or query_files. */
  tool: Scalars['String']['output'];
  updatedAt: Scalars['DateTime']['output'];
  /** Who verified it (or last edited it); null when the user was deleted. */
  verifiedBy?: Maybe<User>;
};

/** One change of the workspace's verified queries: VERIFIED, EDITED or REMOVED, with the query before and after. */
export type AssistantVerifiedQueryChange = {
  __typename?: 'AssistantVerifiedQueryChange';
  action: Scalars['String']['output'];
  after?: Maybe<Scalars['JSON']['output']>;
  before?: Maybe<Scalars['JSON']['output']>;
  createdAt: Scalars['DateTime']['output'];
  id: Scalars['ID']['output'];
  user?: Maybe<User>;
  verifiedQueryId: Scalars['UUID']['output'];
};

export type AssistantVerifiedQueryError =
  | 'INVALID_QUERY'
  | 'INVALID_QUESTION'
  /** The call is not a successful query_database or query_files call. */
  | 'NOT_A_QUERY'
  | 'NOT_FOUND'
  | 'PERMISSION_DENIED';

export type AssistantVerifiedQueryResult = {
  __typename?: 'AssistantVerifiedQueryResult';
  errors: Array<AssistantVerifiedQueryError>;
  success: Scalars['Boolean']['output'];
  verifiedQuery?: Maybe<AssistantVerifiedQuery>;
};

export type AssistantWriteAction =
  | 'CREATE'
  | 'OVERWRITE';

/** A file write proposed by the model, held for the user's decision. */
export type AssistantWriteProposal = {
  __typename?: 'AssistantWriteProposal';
  action: AssistantWriteAction;
  /** The new content of the file. */
  content: Scalars['String']['output'];
  /** Unified diff against the current file (null when the current file cannot be shown). */
  diff?: Maybe<Scalars['String']['output']>;
  path: Scalars['String']['output'];
  rejectionReason?: Maybe<Scalars['String']['output']>;
  resolvedAt?: Maybe<Scalars['DateTime']['output']>;
  /** Size of the new content, in bytes. */
  size: Scalars['Int']['output'];
};

export type CancelAssistantRunError =
  | 'NOT_FOUND'
  | 'NOT_RUNNING';

export type CancelAssistantRunResult = {
  __typename?: 'CancelAssistantRunResult';
  conversation?: Maybe<AssistantConversation>;
  errors: Array<CancelAssistantRunError>;
  success: Scalars['Boolean']['output'];
};

export type ContinueAssistantConversationInput = {
  /** A conversation shared with the workspace (or one's own). */
  id: Scalars['UUID']['input'];
};

export type ContinueAssistantConversationResult = {
  __typename?: 'ContinueAssistantConversationResult';
  /** The new conversation, the current user's, holding the finished messages of the one continued. */
  conversation?: Maybe<AssistantConversation>;
  errors: Array<AssistantConversationError>;
  success: Scalars['Boolean']['output'];
};

export type CreateAssistantClientTokenError =
  | 'INVALID_NAME'
  /** None given, or a tool MCP clients are not offered (those that change a workspace or ask the user). */
  | 'INVALID_TOOL'
  /** A tool the user's role does not allow in one of the workspaces. */
  | 'PERMISSION_DENIED'
  | 'TOO_MANY_CLIENTS'
  /** A slug that is not one of the user's workspaces, or none given. */
  | 'WORKSPACE_NOT_FOUND';

export type CreateAssistantClientTokenInput = {
  /** What the token is for, e.g. Claude Desktop (at most 100 characters). */
  name: Scalars['String']['input'];
  tools: Array<AssistantToolName>;
  workspaceSlugs: Array<Scalars['String']['input']>;
};

export type CreateAssistantClientTokenResult = {
  __typename?: 'CreateAssistantClientTokenResult';
  client?: Maybe<AssistantClient>;
  errors: Array<CreateAssistantClientTokenError>;
  success: Scalars['Boolean']['output'];
  /** Shown once: only its hash is stored. */
  token?: Maybe<Scalars['String']['output']>;
};

export type CreateAssistantConversationError =
  | 'PERMISSION_DENIED'
  | 'WORKSPACE_NOT_FOUND';

export type CreateAssistantConversationInput = {
  workspaceSlug: Scalars['String']['input'];
};

export type CreateAssistantConversationResult = {
  __typename?: 'CreateAssistantConversationResult';
  conversation?: Maybe<AssistantConversation>;
  errors: Array<CreateAssistantConversationError>;
  success: Scalars['Boolean']['output'];
};

export type CreateAssistantEvaluationQuestionInput = {
  expected: Scalars['String']['input'];
  expectedKind: AssistantEvaluationExpectedKind;
  question: Scalars['String']['input'];
  tolerance?: InputMaybe<Scalars['Float']['input']>;
  workspaceSlug: Scalars['String']['input'];
};

export type CreateAssistantPromptTemplateInput = {
  text: Scalars['String']['input'];
  title: Scalars['String']['input'];
  workspaceSlug: Scalars['String']['input'];
};

export type DeleteAssistantConversationInput = {
  id: Scalars['UUID']['input'];
};

export type DeleteAssistantConversationResult = {
  __typename?: 'DeleteAssistantConversationResult';
  errors: Array<AssistantConversationError>;
  success: Scalars['Boolean']['output'];
};

export type DeleteAssistantEvaluationQuestionInput = {
  id: Scalars['UUID']['input'];
};

export type DeleteAssistantEvaluationQuestionResult = {
  __typename?: 'DeleteAssistantEvaluationQuestionResult';
  errors: Array<AssistantEvaluationError>;
  success: Scalars['Boolean']['output'];
};

export type DeleteAssistantPromptTemplateInput = {
  id: Scalars['UUID']['input'];
};

export type DeleteAssistantPromptTemplateResult = {
  __typename?: 'DeleteAssistantPromptTemplateResult';
  errors: Array<AssistantSettingsError>;
  success: Scalars['Boolean']['output'];
};

export type DeleteAssistantVerifiedQueryInput = {
  id: Scalars['UUID']['input'];
};

export type DeleteAssistantVerifiedQueryResult = {
  __typename?: 'DeleteAssistantVerifiedQueryResult';
  errors: Array<AssistantVerifiedQueryError>;
  success: Scalars['Boolean']['output'];
};

export type LoginError =
  | 'INVALID_CREDENTIALS'
  /** Too many failed logins for this account or from this address: wait `retryAfter` seconds. The password was not checked. */
  | 'TOO_MANY_ATTEMPTS';

export type LoginInput = {
  email: Scalars['String']['input'];
  password: Scalars['String']['input'];
};

export type LoginResult = {
  __typename?: 'LoginResult';
  errors: Array<LoginError>;
  me?: Maybe<Me>;
  /** With TOO_MANY_ATTEMPTS: seconds to wait before trying again. */
  retryAfter?: Maybe<Scalars['Int']['output']>;
  success: Scalars['Boolean']['output'];
};

export type LogoutResult = {
  __typename?: 'LogoutResult';
  success: Scalars['Boolean']['output'];
};

/** What the current caller is: `user` is null when nobody is logged in. */
export type Me = {
  __typename?: 'Me';
  /** The current user's MCP clients, newest first, revoked ones included. */
  assistantClients: Array<AssistantClient>;
  /** The workspaces and tools the current user may grant a client. */
  assistantGrantable: Array<AssistantGrantableWorkspace>;
  /** The MCP server's URL, as this server is reached (what a client is configured with). */
  assistantMcpUrl: Scalars['String']['output'];
  assistantUsage?: Maybe<MyAssistantUsage>;
  user?: Maybe<User>;
};

export type Mutation = {
  __typename?: 'Mutation';
  _?: Maybe<Scalars['Boolean']['output']>;
  /** Answer a question the model asked (ask_user): its waiting turn goes on with the answer. */
  answerAssistantQuestion: AnswerAssistantQuestionResult;
  /** Write a file the model proposed, after checking again that it is still safe to. */
  approveAssistantToolExecution: ResolveAssistantToolExecutionResult;
  /** Stop the running turn after its current step; what was produced is kept. */
  cancelAssistantRun: CancelAssistantRunResult;
  /** Go on with a conversation shared with the workspace as a new conversation of one's own. */
  continueAssistantConversation: ContinueAssistantConversationResult;
  /** A personal token for an MCP client: the granted workspaces and tools, never beyond the user's role. */
  createAssistantClientToken: CreateAssistantClientTokenResult;
  createAssistantConversation: CreateAssistantConversationResult;
  /** Add a question to the workspace's evaluation set (workspace ADMINs); its expected result is computed once to check it. */
  createAssistantEvaluationQuestion: AssistantEvaluationQuestionResult;
  createAssistantPromptTemplate: AssistantPromptTemplateResult;
  deleteAssistantConversation: DeleteAssistantConversationResult;
  deleteAssistantEvaluationQuestion: DeleteAssistantEvaluationQuestionResult;
  deleteAssistantPromptTemplate: DeleteAssistantPromptTemplateResult;
  deleteAssistantVerifiedQuery: DeleteAssistantVerifiedQueryResult;
  login: LoginResult;
  logout: LogoutResult;
  rejectAssistantToolExecution: ResolveAssistantToolExecutionResult;
  renameAssistantConversation: RenameAssistantConversationResult;
  /** Revoke one of the user's clients (a personal token or an OAuth client): it is refused at once. */
  revokeAssistantClientToken: RevokeAssistantClientTokenResult;
  /** Ask every question as a turn on the workers and grade the answers (workspace ADMINs). */
  runAssistantEvaluation: RunAssistantEvaluationResult;
  /** An answer's question and query as a new evaluation question, in one click (workspace admins). */
  saveAssistantAnswerAsEvaluation: AssistantEvaluationQuestionResult;
  /** Send a message and run the assistant's whole turn; returns when the turn is over. */
  sendAssistantMessage: SendAssistantMessageResult;
  /** Say whether an answer helped (workspace ADMINs see the counts and comments with the usage). */
  setAssistantMessageFeedback: SetAssistantMessageFeedbackResult;
  /** Set or remove the workspace's monthly assistant budget (workspace ADMINs). */
  setAssistantWorkspaceBudget: SetAssistantWorkspaceBudgetResult;
  /** Share one's conversation with the workspace's members, read-only, or stop sharing it (its owner only). */
  shareAssistantConversation: ShareAssistantConversationResult;
  /** Show the branch that starts at another version of an edited question (its owner only). */
  switchAssistantBranch: SwitchAssistantBranchResult;
  updateAssistantEvaluationQuestion: AssistantEvaluationQuestionResult;
  updateAssistantPromptTemplate: AssistantPromptTemplateResult;
  /** Change the workspace's assistant settings (workspace ADMINs); every change is recorded. */
  updateAssistantSettings: UpdateAssistantSettingsResult;
  updateAssistantVerifiedQuery: AssistantVerifiedQueryResult;
  /** Changes the logged-in user's own settings (only their own). */
  updateUser: UpdateUserResult;
  /** Save an answer's query as verified for its question (workspace editors and admins). */
  verifyAssistantQuery: AssistantVerifiedQueryResult;
};


export type MutationAnswerAssistantQuestionArgs = {
  input: AnswerAssistantQuestionInput;
};


export type MutationApproveAssistantToolExecutionArgs = {
  id: Scalars['UUID']['input'];
};


export type MutationCancelAssistantRunArgs = {
  conversationId: Scalars['UUID']['input'];
};


export type MutationContinueAssistantConversationArgs = {
  input: ContinueAssistantConversationInput;
};


export type MutationCreateAssistantClientTokenArgs = {
  input: CreateAssistantClientTokenInput;
};


export type MutationCreateAssistantConversationArgs = {
  input: CreateAssistantConversationInput;
};


export type MutationCreateAssistantEvaluationQuestionArgs = {
  input: CreateAssistantEvaluationQuestionInput;
};


export type MutationCreateAssistantPromptTemplateArgs = {
  input: CreateAssistantPromptTemplateInput;
};


export type MutationDeleteAssistantConversationArgs = {
  input: DeleteAssistantConversationInput;
};


export type MutationDeleteAssistantEvaluationQuestionArgs = {
  input: DeleteAssistantEvaluationQuestionInput;
};


export type MutationDeleteAssistantPromptTemplateArgs = {
  input: DeleteAssistantPromptTemplateInput;
};


export type MutationDeleteAssistantVerifiedQueryArgs = {
  input: DeleteAssistantVerifiedQueryInput;
};


export type MutationLoginArgs = {
  input: LoginInput;
};


export type MutationRejectAssistantToolExecutionArgs = {
  id: Scalars['UUID']['input'];
  reason?: InputMaybe<Scalars['String']['input']>;
};


export type MutationRenameAssistantConversationArgs = {
  input: RenameAssistantConversationInput;
};


export type MutationRevokeAssistantClientTokenArgs = {
  id: Scalars['UUID']['input'];
};


export type MutationRunAssistantEvaluationArgs = {
  input: RunAssistantEvaluationInput;
};


export type MutationSaveAssistantAnswerAsEvaluationArgs = {
  input: SaveAssistantAnswerAsEvaluationInput;
};


export type MutationSendAssistantMessageArgs = {
  input: SendAssistantMessageInput;
};


export type MutationSetAssistantMessageFeedbackArgs = {
  input: SetAssistantMessageFeedbackInput;
};


export type MutationSetAssistantWorkspaceBudgetArgs = {
  input: SetAssistantWorkspaceBudgetInput;
};


export type MutationShareAssistantConversationArgs = {
  input: ShareAssistantConversationInput;
};


export type MutationSwitchAssistantBranchArgs = {
  input: SwitchAssistantBranchInput;
};


export type MutationUpdateAssistantEvaluationQuestionArgs = {
  input: UpdateAssistantEvaluationQuestionInput;
};


export type MutationUpdateAssistantPromptTemplateArgs = {
  input: UpdateAssistantPromptTemplateInput;
};


export type MutationUpdateAssistantSettingsArgs = {
  input: UpdateAssistantSettingsInput;
};


export type MutationUpdateAssistantVerifiedQueryArgs = {
  input: UpdateAssistantVerifiedQueryInput;
};


export type MutationUpdateUserArgs = {
  input: UpdateUserInput;
};


export type MutationVerifyAssistantQueryArgs = {
  input: VerifyAssistantQueryInput;
};

/** The current user's own usage this calendar month (UTC) and what is left of their budget. */
export type MyAssistantUsage = {
  __typename?: 'MyAssistantUsage';
  /** Monthly limit per user (USD), null when there is none. */
  limit?: Maybe<Scalars['String']['output']>;
  month: Scalars['String']['output'];
  remaining?: Maybe<Scalars['String']['output']>;
  resetsAt: Scalars['DateTime']['output'];
  totals: AssistantUsageTotals;
};

export type Query = {
  __typename?: 'Query';
  /**
   * One of the current user's conversations, or one shared with the workspace by a member (while the
   * current user is a member of it); null otherwise.
   */
  assistantConversation?: Maybe<AssistantConversation>;
  /** A run of a workspace the user is an ADMIN of; null otherwise. */
  assistantEvaluationRun?: Maybe<AssistantEvaluationRun>;
  /**
   * The pipeline run of one of the current user's run_pipeline or stop_pipeline_run calls, as it
   * is now (the page follows it while the turn waits); null for anyone else's or before a run.
   */
  assistantPipelineRun?: Maybe<AssistantPipelineRun>;
  me: Me;
  /** Always true: a cheap liveness probe. */
  ping: Scalars['Boolean']['output'];
  /** A workspace the current user is a member of; null for an unknown slug or someone else's workspace. */
  workspace?: Maybe<Workspace>;
  /** The current user's workspaces, by name. */
  workspaces: WorkspacePage;
};


export type QueryAssistantConversationArgs = {
  id: Scalars['UUID']['input'];
};


export type QueryAssistantEvaluationRunArgs = {
  id: Scalars['UUID']['input'];
};


export type QueryAssistantPipelineRunArgs = {
  toolExecutionId: Scalars['UUID']['input'];
};


export type QueryWorkspaceArgs = {
  slug: Scalars['String']['input'];
};


export type QueryWorkspacesArgs = {
  page?: InputMaybe<Scalars['Int']['input']>;
  perPage?: InputMaybe<Scalars['Int']['input']>;
};

export type RenameAssistantConversationInput = {
  id: Scalars['UUID']['input'];
  title: Scalars['String']['input'];
};

export type RenameAssistantConversationResult = {
  __typename?: 'RenameAssistantConversationResult';
  conversation?: Maybe<AssistantConversation>;
  errors: Array<AssistantConversationError>;
  success: Scalars['Boolean']['output'];
};

export type ResolveAssistantToolExecutionError =
  | 'ALREADY_RESOLVED'
  /** The turn stopped waiting (the user wrote a new message, or the wait expired): nothing was written. */
  | 'CLOSED'
  /** The file changed since the write was proposed: nothing was written. */
  | 'FILE_CHANGED'
  | 'FILE_TOO_LARGE'
  | 'INVALID_PATH'
  /** The rejection's reason has a character that cannot be stored (a NUL character or an unpaired surrogate). */
  | 'INVALID_REASON'
  | 'NOT_FOUND'
  | 'PERMISSION_DENIED'
  | 'WRITE_FAILED';

export type ResolveAssistantToolExecutionResult = {
  __typename?: 'ResolveAssistantToolExecutionResult';
  errors: Array<ResolveAssistantToolExecutionError>;
  success: Scalars['Boolean']['output'];
  toolExecution?: Maybe<AssistantToolExecution>;
};

export type RevokeAssistantClientTokenError =
  | 'NOT_FOUND';

export type RevokeAssistantClientTokenResult = {
  __typename?: 'RevokeAssistantClientTokenResult';
  client?: Maybe<AssistantClient>;
  errors: Array<RevokeAssistantClientTokenError>;
  success: Scalars['Boolean']['output'];
};

export type RunAssistantEvaluationInput = {
  /** Default: the workspace's model. */
  model?: InputMaybe<Scalars['String']['input']>;
  workspaceSlug: Scalars['String']['input'];
};

export type RunAssistantEvaluationResult = {
  __typename?: 'RunAssistantEvaluationResult';
  errors: Array<AssistantEvaluationError>;
  run?: Maybe<AssistantEvaluationRun>;
  success: Scalars['Boolean']['output'];
};

export type SaveAssistantAnswerAsEvaluationInput = {
  /** The query_database or query_files call whose query becomes the expected result. */
  toolExecutionId: Scalars['UUID']['input'];
};

export type SendAssistantMessageError =
  | 'API_ERROR'
  | 'ASSISTANT_NOT_CONFIGURED'
  | 'AUTHENTICATION_FAILED'
  | 'BUDGET_EXCEEDED'
  | 'CONTEXT_TOO_LONG'
  | 'CONVERSATION_BUSY'
  | 'DATABASE_UNAVAILABLE'
  | 'EMPTY_MESSAGE'
  | 'INTERNAL_ERROR'
  | 'INTERRUPTED'
  /** The message has a character that cannot be stored (a NUL character or an unpaired surrogate); nothing was sent. */
  | 'INVALID_MESSAGE'
  | 'MAX_TOOL_ROUNDS'
  | 'MESSAGE_TOO_LONG'
  /** replacesMessageId names an answer, or a question of another branch than the one shown. */
  | 'NOT_EDITABLE'
  | 'NOT_FOUND'
  | 'OVERLOADED'
  | 'RATE_LIMITED'
  | 'REQUEST_TOO_LARGE'
  | 'TURN_NOT_STARTED';

export type SendAssistantMessageInput = {
  conversationId: Scalars['UUID']['input'];
  message: Scalars['String']['input'];
  /**
   * Edit and resend: the message is a new version of this question of the conversation, which
   * replaces it and everything after it on the conversation's current branch; the earlier
   * branch is kept (see AssistantMessage.versions).
   */
  replacesMessageId?: InputMaybe<Scalars['UUID']['input']>;
};

/**
 * The whole turn: the assistant's answer (complete, or failed with what was done so far)
 * and the conversation with its updated totals.
 */
export type SendAssistantMessageResult = {
  __typename?: 'SendAssistantMessageResult';
  /** With BUDGET_EXCEEDED: which budget, and the figures. */
  budget?: Maybe<AssistantBudgetStatus>;
  conversation?: Maybe<AssistantConversation>;
  errors: Array<SendAssistantMessageError>;
  message?: Maybe<AssistantMessage>;
  /** With RATE_LIMITED: seconds to wait before sending again. */
  retryAfter?: Maybe<Scalars['Int']['output']>;
  success: Scalars['Boolean']['output'];
};

export type SetAssistantMessageFeedbackError =
  | 'INVALID_COMMENT'
  /** Only the assistant's finished answers take feedback. */
  | 'NOT_AN_ANSWER'
  /** No such message of yours. */
  | 'NOT_FOUND';

export type SetAssistantMessageFeedbackInput = {
  /** Optional, at most 2,000 characters. */
  comment?: InputMaybe<Scalars['String']['input']>;
  /** null removes the feedback. */
  feedback?: InputMaybe<AssistantFeedback>;
  messageId: Scalars['UUID']['input'];
};

export type SetAssistantMessageFeedbackResult = {
  __typename?: 'SetAssistantMessageFeedbackResult';
  errors: Array<SetAssistantMessageFeedbackError>;
  message?: Maybe<AssistantMessage>;
  success: Scalars['Boolean']['output'];
};

export type SetAssistantWorkspaceBudgetError =
  | 'INVALID_AMOUNT'
  | 'PERMISSION_DENIED'
  | 'WORKSPACE_NOT_FOUND';

export type SetAssistantWorkspaceBudgetInput = {
  /** USD per calendar month, e.g. "200"; null removes the budget. */
  monthlyLimitUsd?: InputMaybe<Scalars['String']['input']>;
  workspaceSlug: Scalars['String']['input'];
};

export type SetAssistantWorkspaceBudgetResult = {
  __typename?: 'SetAssistantWorkspaceBudgetResult';
  errors: Array<SetAssistantWorkspaceBudgetError>;
  success: Scalars['Boolean']['output'];
  workspace?: Maybe<Workspace>;
};

export type ShareAssistantConversationInput = {
  id: Scalars['UUID']['input'];
  /** True: the workspace's members may read it; false: private again. */
  shared: Scalars['Boolean']['input'];
};

export type ShareAssistantConversationResult = {
  __typename?: 'ShareAssistantConversationResult';
  conversation?: Maybe<AssistantConversation>;
  errors: Array<AssistantConversationError>;
  success: Scalars['Boolean']['output'];
};

export type SwitchAssistantBranchError =
  /** A turn runs or waits for the user's answer or approval: stop or answer it first. */
  | 'CONVERSATION_BUSY'
  /** No such question among the current user's conversations (a shared conversation is read-only). */
  | 'NOT_FOUND';

export type SwitchAssistantBranchInput = {
  /** A version of a question (AssistantMessage.versions): its branch is shown, and sent to the model from then on. */
  messageId: Scalars['UUID']['input'];
};

export type SwitchAssistantBranchResult = {
  __typename?: 'SwitchAssistantBranchResult';
  conversation?: Maybe<AssistantConversation>;
  errors: Array<SwitchAssistantBranchError>;
  success: Scalars['Boolean']['output'];
};

export type UpdateAssistantEvaluationQuestionInput = {
  expected?: InputMaybe<Scalars['String']['input']>;
  expectedKind?: InputMaybe<AssistantEvaluationExpectedKind>;
  id: Scalars['UUID']['input'];
  question?: InputMaybe<Scalars['String']['input']>;
  tolerance?: InputMaybe<Scalars['Float']['input']>;
};

export type UpdateAssistantPromptTemplateInput = {
  id: Scalars['UUID']['input'];
  text?: InputMaybe<Scalars['String']['input']>;
  title?: InputMaybe<Scalars['String']['input']>;
};

/** Fields left out (or null) are left as they are. */
export type UpdateAssistantSettingsInput = {
  enabledTools?: InputMaybe<Array<AssistantToolName>>;
  followUps?: InputMaybe<Scalars['Boolean']['input']>;
  instructions?: InputMaybe<Scalars['String']['input']>;
  model?: InputMaybe<Scalars['String']['input']>;
  sendRowsToModel?: InputMaybe<Scalars['Boolean']['input']>;
  workspaceSlug: Scalars['String']['input'];
};

export type UpdateAssistantSettingsResult = {
  __typename?: 'UpdateAssistantSettingsResult';
  errors: Array<AssistantSettingsError>;
  settings?: Maybe<AssistantSettings>;
  success: Scalars['Boolean']['output'];
};

export type UpdateAssistantVerifiedQueryInput = {
  id: Scalars['UUID']['input'];
  question?: InputMaybe<Scalars['String']['input']>;
  /** The SQL of the query (the `query` of query_database, the `sql` of query_files). */
  sql?: InputMaybe<Scalars['String']['input']>;
};

export type UpdateUserError =
  /** The language is not one the interface speaks. */
  | 'INVALID_LANGUAGE'
  /** Nobody is logged in. */
  | 'PERMISSION_DENIED';

/** What the logged-in user changes about themself; a field left out is kept. */
export type UpdateUserInput = {
  /** `en` or `fr`. */
  language?: InputMaybe<Scalars['String']['input']>;
};

export type UpdateUserResult = {
  __typename?: 'UpdateUserResult';
  errors: Array<UpdateUserError>;
  success: Scalars['Boolean']['output'];
  /** The user as saved (null when nobody is logged in). */
  user?: Maybe<User>;
};

export type User = {
  __typename?: 'User';
  displayName: Scalars['String']['output'];
  email: Scalars['String']['output'];
  firstName?: Maybe<Scalars['String']['output']>;
  id: Scalars['UUID']['output'];
  /** The language the interface speaks to this user: `en` or `fr`. */
  language: Scalars['String']['output'];
  lastName?: Maybe<Scalars['String']['output']>;
};

export type VerifyAssistantQueryInput = {
  /** Default: the question the answer answered. */
  question?: InputMaybe<Scalars['String']['input']>;
  /** A query_database or query_files call of one of the user's answers. */
  toolExecutionId: Scalars['UUID']['input'];
};

export type Workspace = {
  __typename?: 'Workspace';
  /**
   * The current user's conversations in this workspace, most recently active first; `search`:
   * only those whose title contains it (any case) or nearly (trigrams), or one of whose messages,
   * question or answer, matches it by full-text search (English and French stemming) or contains it:
   * the 500 most recently active of them at most (`moreMatches` tells when there are more).
   */
  assistantConversations: AssistantConversationPage;
  /** The workspace's evaluation questions and runs: for its ADMINs (null for others). */
  assistantEvaluations?: Maybe<AssistantEvaluations>;
  /** The workspace's monthly assistant budget in USD (decimal string), null when there is none. */
  assistantMonthlyBudget?: Maybe<Scalars['String']['output']>;
  /** The workspace's assistant settings, for its members (null for others). */
  assistantSettings?: Maybe<AssistantSettings>;
  /** What a new conversation's start screen shows; null for non-members. */
  assistantStartScreen?: Maybe<AssistantStartScreen>;
  /**
   * The assistant's usage in this workspace between `from` (included) and `to` (excluded),
   * for workspace ADMINs; others get null and a PERMISSION_DENIED error.
   */
  assistantUsage?: Maybe<AssistantUsage>;
  /** The workspace's verified queries (its members read them). */
  assistantVerifiedQueries?: Maybe<Array<AssistantVerifiedQuery>>;
  /** Who verified, edited or removed which, newest first (editors and admins; others get an empty list). */
  assistantVerifiedQueryChanges: Array<AssistantVerifiedQueryChange>;
  bucket: WorkspaceBucket;
  createdAt: Scalars['DateTime']['output'];
  database: WorkspaceDatabase;
  description?: Maybe<Scalars['String']['output']>;
  members: WorkspaceMembershipPage;
  /** The current user's role in this workspace. */
  myRole?: Maybe<WorkspaceMembershipRole>;
  name: Scalars['String']['output'];
  permissions: WorkspacePermissions;
  /** Conversations other members shared with the workspace (read-only), most recently shared first; members only. */
  sharedAssistantConversations: AssistantConversationPage;
  slug: Scalars['String']['output'];
};


export type WorkspaceAssistantConversationsArgs = {
  page?: InputMaybe<Scalars['Int']['input']>;
  perPage?: InputMaybe<Scalars['Int']['input']>;
  search?: InputMaybe<Scalars['String']['input']>;
};


export type WorkspaceAssistantUsageArgs = {
  from?: InputMaybe<Scalars['DateTime']['input']>;
  period?: InputMaybe<AssistantUsagePeriod>;
  to?: InputMaybe<Scalars['DateTime']['input']>;
};


export type WorkspaceAssistantVerifiedQueryChangesArgs = {
  limit?: InputMaybe<Scalars['Int']['input']>;
};


export type WorkspaceMembersArgs = {
  page?: InputMaybe<Scalars['Int']['input']>;
  perPage?: InputMaybe<Scalars['Int']['input']>;
};


export type WorkspaceSharedAssistantConversationsArgs = {
  page?: InputMaybe<Scalars['Int']['input']>;
  perPage?: InputMaybe<Scalars['Int']['input']>;
};

export type WorkspaceBucket = {
  __typename?: 'WorkspaceBucket';
  name: Scalars['String']['output'];
};

export type WorkspaceDatabase = {
  __typename?: 'WorkspaceDatabase';
  name: Scalars['String']['output'];
};

export type WorkspaceMembership = {
  __typename?: 'WorkspaceMembership';
  createdAt: Scalars['DateTime']['output'];
  id: Scalars['UUID']['output'];
  role: WorkspaceMembershipRole;
  user: User;
};

export type WorkspaceMembershipPage = {
  __typename?: 'WorkspaceMembershipPage';
  items: Array<WorkspaceMembership>;
  pageNumber: Scalars['Int']['output'];
  totalItems: Scalars['Int']['output'];
  totalPages: Scalars['Int']['output'];
};

export type WorkspaceMembershipRole =
  | 'ADMIN'
  | 'EDITOR'
  | 'VIEWER';

export type WorkspacePage = {
  __typename?: 'WorkspacePage';
  items: Array<Workspace>;
  pageNumber: Scalars['Int']['output'];
  totalItems: Scalars['Int']['output'];
  totalPages: Scalars['Int']['output'];
};

export type WorkspacePermissions = {
  __typename?: 'WorkspacePermissions';
  delete: Scalars['Boolean']['output'];
  manageMembers: Scalars['Boolean']['output'];
  update: Scalars['Boolean']['output'];
};
