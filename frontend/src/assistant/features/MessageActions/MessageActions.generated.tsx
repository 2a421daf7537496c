import * as Types from '../../../graphql/types';

import { gql } from '@apollo/client';
import * as Apollo from '@apollo/client';
const defaultOptions = {} as const;
export type SetAssistantMessageFeedbackMutationVariables = Types.Exact<{
  input: Types.SetAssistantMessageFeedbackInput;
}>;


export type SetAssistantMessageFeedbackMutation = { __typename?: 'Mutation', setAssistantMessageFeedback: { __typename?: 'SetAssistantMessageFeedbackResult', success: boolean, errors: Array<Types.SetAssistantMessageFeedbackError>, message?: { __typename?: 'AssistantMessage', id: string, feedback?: Types.AssistantFeedback | null } | null } };


export const SetAssistantMessageFeedbackDocument = gql`
    mutation SetAssistantMessageFeedback($input: SetAssistantMessageFeedbackInput!) {
  setAssistantMessageFeedback(input: $input) {
    success
    errors
    message {
      id
      feedback
    }
  }
}
    `;
export type SetAssistantMessageFeedbackMutationFn = Apollo.MutationFunction<SetAssistantMessageFeedbackMutation, SetAssistantMessageFeedbackMutationVariables>;

/**
 * __useSetAssistantMessageFeedbackMutation__
 *
 * To run a mutation, you first call `useSetAssistantMessageFeedbackMutation` within a React component and pass it any options that fit your needs.
 * When your component renders, `useSetAssistantMessageFeedbackMutation` returns a tuple that includes:
 * - A mutate function that you can call at any time to execute the mutation
 * - An object with fields that represent the current status of the mutation's execution
 *
 * @param baseOptions options that will be passed into the mutation, supported options are listed on: https://www.apollographql.com/docs/react/api/react-hooks/#options-2;
 *
 * @example
 * const [setAssistantMessageFeedbackMutation, { data, loading, error }] = useSetAssistantMessageFeedbackMutation({
 *   variables: {
 *      input: // value for 'input'
 *   },
 * });
 */
export function useSetAssistantMessageFeedbackMutation(baseOptions?: Apollo.MutationHookOptions<SetAssistantMessageFeedbackMutation, SetAssistantMessageFeedbackMutationVariables>) {
        const options = {...defaultOptions, ...baseOptions}
        return Apollo.useMutation<SetAssistantMessageFeedbackMutation, SetAssistantMessageFeedbackMutationVariables>(SetAssistantMessageFeedbackDocument, options);
      }
export type SetAssistantMessageFeedbackMutationHookResult = ReturnType<typeof useSetAssistantMessageFeedbackMutation>;
export type SetAssistantMessageFeedbackMutationResult = Apollo.MutationResult<SetAssistantMessageFeedbackMutation>;
export type SetAssistantMessageFeedbackMutationOptions = Apollo.BaseMutationOptions<SetAssistantMessageFeedbackMutation, SetAssistantMessageFeedbackMutationVariables>;