import * as Types from '../../../graphql/types';

import { gql } from '@apollo/client';
import { ApprovalCard_ExecutionFragmentDoc } from '../ApprovalCard/ApprovalCard.generated';
import { QuestionCard_ExecutionFragmentDoc } from '../QuestionCard/QuestionCard.generated';
export type ToolExecutionCard_ExecutionFragment = { __typename?: 'AssistantToolExecution', id: string, toolUseId: string, name: string, tool?: Types.AssistantToolName | null, input: any, output?: any | null, success?: boolean | null, status: Types.AssistantToolExecutionStatus, durationMs?: number | null, createdAt: string, proposal?: { __typename?: 'AssistantWriteProposal', path: string, action: Types.AssistantWriteAction, size: number, diff?: string | null, rejectionReason?: string | null, resolvedAt?: string | null } | null };

export const ToolExecutionCard_ExecutionFragmentDoc = gql`
    fragment ToolExecutionCard_execution on AssistantToolExecution {
  id
  toolUseId
  name
  tool
  input
  output
  success
  status
  durationMs
  createdAt
  ...ApprovalCard_execution
  ...QuestionCard_execution
}
    ${ApprovalCard_ExecutionFragmentDoc}
${QuestionCard_ExecutionFragmentDoc}`;