import * as Types from '../../../graphql/types';

import { gql } from '@apollo/client';
import { ToolExecutionCard_ExecutionFragmentDoc } from '../ToolExecutionCard/ToolExecutionCard.generated';
export type ChatMessage_MessageFragment = { __typename?: 'AssistantMessage', id: string, role: Types.AssistantMessageRole, text: string, status: Types.AssistantMessageStatus, errorCode?: Types.AssistantErrorCode | null, errorMessage?: string | null, model?: string | null, modelCalls: number, inputTokens: number, outputTokens: number, cacheCreationInputTokens: number, cacheReadInputTokens: number, cost: string, firstEventSeq?: number | null, createdAt: string, feedback?: Types.AssistantFeedback | null, toolExecutions: Array<{ __typename?: 'AssistantToolExecution', id: string, toolUseId: string, name: string, tool?: Types.AssistantToolName | null, input: any, output?: any | null, success?: boolean | null, status: Types.AssistantToolExecutionStatus, durationMs?: number | null, createdAt: string, proposal?: { __typename?: 'AssistantWriteProposal', path: string, action: Types.AssistantWriteAction, size: number, diff?: string | null, rejectionReason?: string | null, resolvedAt?: string | null } | null }>, parts: Array<{ __typename?: 'AssistantMessagePart', text?: string | null, toolExecution?: { __typename?: 'AssistantToolExecution', id: string } | null }> };

export const ChatMessage_MessageFragmentDoc = gql`
    fragment ChatMessage_message on AssistantMessage {
  id
  role
  text
  status
  errorCode
  errorMessage
  model
  modelCalls
  inputTokens
  outputTokens
  cacheCreationInputTokens
  cacheReadInputTokens
  cost
  firstEventSeq
  createdAt
  feedback
  toolExecutions {
    ...ToolExecutionCard_execution
  }
  parts {
    text
    toolExecution {
      id
    }
  }
}
    ${ToolExecutionCard_ExecutionFragmentDoc}`;