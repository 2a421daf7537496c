import * as Types from '../../../graphql/types';

import { gql } from '@apollo/client';
export type ApprovalCard_ExecutionFragment = { __typename?: 'AssistantToolExecution', id: string, status: Types.AssistantToolExecutionStatus, proposal?: { __typename?: 'AssistantWriteProposal', path: string, action: Types.AssistantWriteAction, size: number, diff?: string | null, rejectionReason?: string | null, resolvedAt?: string | null } | null };

export const ApprovalCard_ExecutionFragmentDoc = gql`
    fragment ApprovalCard_execution on AssistantToolExecution {
  id
  status
  proposal {
    path
    action
    size
    diff
    rejectionReason
    resolvedAt
  }
}
    `;