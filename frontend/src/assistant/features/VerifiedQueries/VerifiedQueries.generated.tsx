import * as Types from '../../../graphql/types';

import { gql } from '@apollo/client';
import * as Apollo from '@apollo/client';
const defaultOptions = {} as const;
export type VerifyAssistantQueryMutationVariables = Types.Exact<{
  input: Types.VerifyAssistantQueryInput;
}>;


export type VerifyAssistantQueryMutation = { __typename?: 'Mutation', verifyAssistantQuery: { __typename?: 'AssistantVerifiedQueryResult', success: boolean, errors: Array<Types.AssistantVerifiedQueryError>, verifiedQuery?: { __typename?: 'AssistantVerifiedQuery', id: string } | null } };

export type SaveAssistantAnswerAsEvaluationMutationVariables = Types.Exact<{
  input: Types.SaveAssistantAnswerAsEvaluationInput;
}>;


export type SaveAssistantAnswerAsEvaluationMutation = { __typename?: 'Mutation', saveAssistantAnswerAsEvaluation: { __typename?: 'AssistantEvaluationQuestionResult', success: boolean, errors: Array<Types.AssistantEvaluationError>, message?: string | null } };


export const VerifyAssistantQueryDocument = gql`
    mutation VerifyAssistantQuery($input: VerifyAssistantQueryInput!) {
  verifyAssistantQuery(input: $input) {
    success
    errors
    verifiedQuery {
      id
    }
  }
}
    `;
export type VerifyAssistantQueryMutationFn = Apollo.MutationFunction<VerifyAssistantQueryMutation, VerifyAssistantQueryMutationVariables>;

/**
 * __useVerifyAssistantQueryMutation__
 *
 * To run a mutation, you first call `useVerifyAssistantQueryMutation` within a React component and pass it any options that fit your needs.
 * When your component renders, `useVerifyAssistantQueryMutation` returns a tuple that includes:
 * - A mutate function that you can call at any time to execute the mutation
 * - An object with fields that represent the current status of the mutation's execution
 *
 * @param baseOptions options that will be passed into the mutation, supported options are listed on: https://www.apollographql.com/docs/react/api/react-hooks/#options-2;
 *
 * @example
 * const [verifyAssistantQueryMutation, { data, loading, error }] = useVerifyAssistantQueryMutation({
 *   variables: {
 *      input: // value for 'input'
 *   },
 * });
 */
export function useVerifyAssistantQueryMutation(baseOptions?: Apollo.MutationHookOptions<VerifyAssistantQueryMutation, VerifyAssistantQueryMutationVariables>) {
        const options = {...defaultOptions, ...baseOptions}
        return Apollo.useMutation<VerifyAssistantQueryMutation, VerifyAssistantQueryMutationVariables>(VerifyAssistantQueryDocument, options);
      }
export type VerifyAssistantQueryMutationHookResult = ReturnType<typeof useVerifyAssistantQueryMutation>;
export type VerifyAssistantQueryMutationResult = Apollo.MutationResult<VerifyAssistantQueryMutation>;
export type VerifyAssistantQueryMutationOptions = Apollo.BaseMutationOptions<VerifyAssistantQueryMutation, VerifyAssistantQueryMutationVariables>;
export const SaveAssistantAnswerAsEvaluationDocument = gql`
    mutation SaveAssistantAnswerAsEvaluation($input: SaveAssistantAnswerAsEvaluationInput!) {
  saveAssistantAnswerAsEvaluation(input: $input) {
    success
    errors
    message
  }
}
    `;
export type SaveAssistantAnswerAsEvaluationMutationFn = Apollo.MutationFunction<SaveAssistantAnswerAsEvaluationMutation, SaveAssistantAnswerAsEvaluationMutationVariables>;

/**
 * __useSaveAssistantAnswerAsEvaluationMutation__
 *
 * To run a mutation, you first call `useSaveAssistantAnswerAsEvaluationMutation` within a React component and pass it any options that fit your needs.
 * When your component renders, `useSaveAssistantAnswerAsEvaluationMutation` returns a tuple that includes:
 * - A mutate function that you can call at any time to execute the mutation
 * - An object with fields that represent the current status of the mutation's execution
 *
 * @param baseOptions options that will be passed into the mutation, supported options are listed on: https://www.apollographql.com/docs/react/api/react-hooks/#options-2;
 *
 * @example
 * const [saveAssistantAnswerAsEvaluationMutation, { data, loading, error }] = useSaveAssistantAnswerAsEvaluationMutation({
 *   variables: {
 *      input: // value for 'input'
 *   },
 * });
 */
export function useSaveAssistantAnswerAsEvaluationMutation(baseOptions?: Apollo.MutationHookOptions<SaveAssistantAnswerAsEvaluationMutation, SaveAssistantAnswerAsEvaluationMutationVariables>) {
        const options = {...defaultOptions, ...baseOptions}
        return Apollo.useMutation<SaveAssistantAnswerAsEvaluationMutation, SaveAssistantAnswerAsEvaluationMutationVariables>(SaveAssistantAnswerAsEvaluationDocument, options);
      }
export type SaveAssistantAnswerAsEvaluationMutationHookResult = ReturnType<typeof useSaveAssistantAnswerAsEvaluationMutation>;
export type SaveAssistantAnswerAsEvaluationMutationResult = Apollo.MutationResult<SaveAssistantAnswerAsEvaluationMutation>;
export type SaveAssistantAnswerAsEvaluationMutationOptions = Apollo.BaseMutationOptions<SaveAssistantAnswerAsEvaluationMutation, SaveAssistantAnswerAsEvaluationMutationVariables>;