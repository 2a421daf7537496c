import * as Types from '../../../graphql/types';

import { gql } from '@apollo/client';
export type QuestionCard_ExecutionFragment = { __typename?: 'AssistantToolExecution', id: string, status: Types.AssistantToolExecutionStatus, input: any, output?: any | null };

export const QuestionCard_ExecutionFragmentDoc = gql`
    fragment QuestionCard_execution on AssistantToolExecution {
  id
  status
  input
  output
}
    `;