import * as Types from '../../../graphql/types';

import { gql } from '@apollo/client';
import * as Apollo from '@apollo/client';
const defaultOptions = {} as const;
export type Evaluations_ResultFragment = { __typename?: 'AssistantEvaluationResult', id: string, question: string, passed?: boolean | null, reason?: Types.AssistantEvaluationReason | null, detail: string, textMatches?: boolean | null, cost: string, durationMs?: number | null, conversationId?: string | null, previouslyPassed?: boolean | null, regressed: boolean };

export type Evaluations_RunFragment = { __typename?: 'AssistantEvaluationRun', id: string, status: Types.AssistantEvaluationRunStatus, model: string, accuracy?: number | null, passedCount: number, questionCount: number, cost: string, durationMs?: number | null, createdAt: string, startedBy?: { __typename?: 'User', email: string } | null, previousRun?: { __typename?: 'AssistantEvaluationRun', id: string, accuracy?: number | null } | null };

export type AssistantEvaluationsQueryVariables = Types.Exact<{
  slug: Types.Scalars['String']['input'];
}>;


export type AssistantEvaluationsQuery = { __typename?: 'Query', workspace?: { __typename?: 'Workspace', slug: string, name: string, assistantSettings?: { __typename?: 'AssistantSettings', model: string, availableModels: Array<{ __typename?: 'AssistantModel', id: string, name: string }> } | null, assistantEvaluations?: { __typename?: 'AssistantEvaluations', expectedKinds: Array<Types.AssistantEvaluationExpectedKind>, questions: Array<{ __typename?: 'AssistantEvaluationQuestion', id: string, question: string, expectedKind: Types.AssistantEvaluationExpectedKind, expected: string, tolerance: number }>, runs: Array<{ __typename?: 'AssistantEvaluationRun', id: string, status: Types.AssistantEvaluationRunStatus, model: string, accuracy?: number | null, passedCount: number, questionCount: number, cost: string, durationMs?: number | null, createdAt: string, startedBy?: { __typename?: 'User', email: string } | null, previousRun?: { __typename?: 'AssistantEvaluationRun', id: string, accuracy?: number | null } | null }> } | null } | null };

export type AssistantEvaluationRunQueryVariables = Types.Exact<{
  id: Types.Scalars['UUID']['input'];
}>;


export type AssistantEvaluationRunQuery = { __typename?: 'Query', assistantEvaluationRun?: { __typename?: 'AssistantEvaluationRun', id: string, status: Types.AssistantEvaluationRunStatus, model: string, accuracy?: number | null, passedCount: number, questionCount: number, cost: string, durationMs?: number | null, createdAt: string, results: Array<{ __typename?: 'AssistantEvaluationResult', id: string, question: string, passed?: boolean | null, reason?: Types.AssistantEvaluationReason | null, detail: string, textMatches?: boolean | null, cost: string, durationMs?: number | null, conversationId?: string | null, previouslyPassed?: boolean | null, regressed: boolean }>, startedBy?: { __typename?: 'User', email: string } | null, previousRun?: { __typename?: 'AssistantEvaluationRun', id: string, accuracy?: number | null } | null } | null };

export type CreateAssistantEvaluationQuestionMutationVariables = Types.Exact<{
  input: Types.CreateAssistantEvaluationQuestionInput;
}>;


export type CreateAssistantEvaluationQuestionMutation = { __typename?: 'Mutation', createAssistantEvaluationQuestion: { __typename?: 'AssistantEvaluationQuestionResult', success: boolean, errors: Array<Types.AssistantEvaluationError>, message?: string | null, question?: { __typename?: 'AssistantEvaluationQuestion', id: string } | null } };

export type DeleteAssistantEvaluationQuestionMutationVariables = Types.Exact<{
  input: Types.DeleteAssistantEvaluationQuestionInput;
}>;


export type DeleteAssistantEvaluationQuestionMutation = { __typename?: 'Mutation', deleteAssistantEvaluationQuestion: { __typename?: 'DeleteAssistantEvaluationQuestionResult', success: boolean, errors: Array<Types.AssistantEvaluationError> } };

export type RunAssistantEvaluationMutationVariables = Types.Exact<{
  input: Types.RunAssistantEvaluationInput;
}>;


export type RunAssistantEvaluationMutation = { __typename?: 'Mutation', runAssistantEvaluation: { __typename?: 'RunAssistantEvaluationResult', success: boolean, errors: Array<Types.AssistantEvaluationError>, run?: { __typename?: 'AssistantEvaluationRun', id: string, status: Types.AssistantEvaluationRunStatus } | null } };

export const Evaluations_ResultFragmentDoc = gql`
    fragment Evaluations_result on AssistantEvaluationResult {
  id
  question
  passed
  reason
  detail
  textMatches
  cost
  durationMs
  conversationId
  previouslyPassed
  regressed
}
    `;
export const Evaluations_RunFragmentDoc = gql`
    fragment Evaluations_run on AssistantEvaluationRun {
  id
  status
  model
  accuracy
  passedCount
  questionCount
  cost
  durationMs
  createdAt
  startedBy {
    email
  }
  previousRun {
    id
    accuracy
  }
}
    `;
export const AssistantEvaluationsDocument = gql`
    query AssistantEvaluations($slug: String!) {
  workspace(slug: $slug) {
    slug
    name
    assistantSettings {
      model
      availableModels {
        id
        name
      }
    }
    assistantEvaluations {
      expectedKinds
      questions {
        id
        question
        expectedKind
        expected
        tolerance
      }
      runs(limit: 20) {
        ...Evaluations_run
      }
    }
  }
}
    ${Evaluations_RunFragmentDoc}`;

/**
 * __useAssistantEvaluationsQuery__
 *
 * To run a query within a React component, call `useAssistantEvaluationsQuery` and pass it any options that fit your needs.
 * When your component renders, `useAssistantEvaluationsQuery` returns an object from Apollo Client that contains loading, error, and data properties
 * you can use to render your UI.
 *
 * @param baseOptions options that will be passed into the query, supported options are listed on: https://www.apollographql.com/docs/react/api/react-hooks/#options;
 *
 * @example
 * const { data, loading, error } = useAssistantEvaluationsQuery({
 *   variables: {
 *      slug: // value for 'slug'
 *   },
 * });
 */
export function useAssistantEvaluationsQuery(baseOptions: Apollo.QueryHookOptions<AssistantEvaluationsQuery, AssistantEvaluationsQueryVariables> & ({ variables: AssistantEvaluationsQueryVariables; skip?: boolean; } | { skip: boolean; }) ) {
        const options = {...defaultOptions, ...baseOptions}
        return Apollo.useQuery<AssistantEvaluationsQuery, AssistantEvaluationsQueryVariables>(AssistantEvaluationsDocument, options);
      }
export function useAssistantEvaluationsLazyQuery(baseOptions?: Apollo.LazyQueryHookOptions<AssistantEvaluationsQuery, AssistantEvaluationsQueryVariables>) {
          const options = {...defaultOptions, ...baseOptions}
          return Apollo.useLazyQuery<AssistantEvaluationsQuery, AssistantEvaluationsQueryVariables>(AssistantEvaluationsDocument, options);
        }
// @ts-ignore
export function useAssistantEvaluationsSuspenseQuery(baseOptions?: Apollo.SuspenseQueryHookOptions<AssistantEvaluationsQuery, AssistantEvaluationsQueryVariables>): Apollo.UseSuspenseQueryResult<AssistantEvaluationsQuery, AssistantEvaluationsQueryVariables>;
export function useAssistantEvaluationsSuspenseQuery(baseOptions?: Apollo.SkipToken | Apollo.SuspenseQueryHookOptions<AssistantEvaluationsQuery, AssistantEvaluationsQueryVariables>): Apollo.UseSuspenseQueryResult<AssistantEvaluationsQuery | undefined, AssistantEvaluationsQueryVariables>;
export function useAssistantEvaluationsSuspenseQuery(baseOptions?: Apollo.SkipToken | Apollo.SuspenseQueryHookOptions<AssistantEvaluationsQuery, AssistantEvaluationsQueryVariables>) {
          const options = baseOptions === Apollo.skipToken ? baseOptions : {...defaultOptions, ...baseOptions}
          return Apollo.useSuspenseQuery<AssistantEvaluationsQuery, AssistantEvaluationsQueryVariables>(AssistantEvaluationsDocument, options);
        }
export type AssistantEvaluationsQueryHookResult = ReturnType<typeof useAssistantEvaluationsQuery>;
export type AssistantEvaluationsLazyQueryHookResult = ReturnType<typeof useAssistantEvaluationsLazyQuery>;
export type AssistantEvaluationsSuspenseQueryHookResult = ReturnType<typeof useAssistantEvaluationsSuspenseQuery>;
export type AssistantEvaluationsQueryResult = Apollo.QueryResult<AssistantEvaluationsQuery, AssistantEvaluationsQueryVariables>;
export const AssistantEvaluationRunDocument = gql`
    query AssistantEvaluationRun($id: UUID!) {
  assistantEvaluationRun(id: $id) {
    ...Evaluations_run
    results {
      ...Evaluations_result
    }
  }
}
    ${Evaluations_RunFragmentDoc}
${Evaluations_ResultFragmentDoc}`;

/**
 * __useAssistantEvaluationRunQuery__
 *
 * To run a query within a React component, call `useAssistantEvaluationRunQuery` and pass it any options that fit your needs.
 * When your component renders, `useAssistantEvaluationRunQuery` returns an object from Apollo Client that contains loading, error, and data properties
 * you can use to render your UI.
 *
 * @param baseOptions options that will be passed into the query, supported options are listed on: https://www.apollographql.com/docs/react/api/react-hooks/#options;
 *
 * @example
 * const { data, loading, error } = useAssistantEvaluationRunQuery({
 *   variables: {
 *      id: // value for 'id'
 *   },
 * });
 */
export function useAssistantEvaluationRunQuery(baseOptions: Apollo.QueryHookOptions<AssistantEvaluationRunQuery, AssistantEvaluationRunQueryVariables> & ({ variables: AssistantEvaluationRunQueryVariables; skip?: boolean; } | { skip: boolean; }) ) {
        const options = {...defaultOptions, ...baseOptions}
        return Apollo.useQuery<AssistantEvaluationRunQuery, AssistantEvaluationRunQueryVariables>(AssistantEvaluationRunDocument, options);
      }
export function useAssistantEvaluationRunLazyQuery(baseOptions?: Apollo.LazyQueryHookOptions<AssistantEvaluationRunQuery, AssistantEvaluationRunQueryVariables>) {
          const options = {...defaultOptions, ...baseOptions}
          return Apollo.useLazyQuery<AssistantEvaluationRunQuery, AssistantEvaluationRunQueryVariables>(AssistantEvaluationRunDocument, options);
        }
// @ts-ignore
export function useAssistantEvaluationRunSuspenseQuery(baseOptions?: Apollo.SuspenseQueryHookOptions<AssistantEvaluationRunQuery, AssistantEvaluationRunQueryVariables>): Apollo.UseSuspenseQueryResult<AssistantEvaluationRunQuery, AssistantEvaluationRunQueryVariables>;
export function useAssistantEvaluationRunSuspenseQuery(baseOptions?: Apollo.SkipToken | Apollo.SuspenseQueryHookOptions<AssistantEvaluationRunQuery, AssistantEvaluationRunQueryVariables>): Apollo.UseSuspenseQueryResult<AssistantEvaluationRunQuery | undefined, AssistantEvaluationRunQueryVariables>;
export function useAssistantEvaluationRunSuspenseQuery(baseOptions?: Apollo.SkipToken | Apollo.SuspenseQueryHookOptions<AssistantEvaluationRunQuery, AssistantEvaluationRunQueryVariables>) {
          const options = baseOptions === Apollo.skipToken ? baseOptions : {...defaultOptions, ...baseOptions}
          return Apollo.useSuspenseQuery<AssistantEvaluationRunQuery, AssistantEvaluationRunQueryVariables>(AssistantEvaluationRunDocument, options);
        }
export type AssistantEvaluationRunQueryHookResult = ReturnType<typeof useAssistantEvaluationRunQuery>;
export type AssistantEvaluationRunLazyQueryHookResult = ReturnType<typeof useAssistantEvaluationRunLazyQuery>;
export type AssistantEvaluationRunSuspenseQueryHookResult = ReturnType<typeof useAssistantEvaluationRunSuspenseQuery>;
export type AssistantEvaluationRunQueryResult = Apollo.QueryResult<AssistantEvaluationRunQuery, AssistantEvaluationRunQueryVariables>;
export const CreateAssistantEvaluationQuestionDocument = gql`
    mutation CreateAssistantEvaluationQuestion($input: CreateAssistantEvaluationQuestionInput!) {
  createAssistantEvaluationQuestion(input: $input) {
    success
    errors
    message
    question {
      id
    }
  }
}
    `;
export type CreateAssistantEvaluationQuestionMutationFn = Apollo.MutationFunction<CreateAssistantEvaluationQuestionMutation, CreateAssistantEvaluationQuestionMutationVariables>;

/**
 * __useCreateAssistantEvaluationQuestionMutation__
 *
 * To run a mutation, you first call `useCreateAssistantEvaluationQuestionMutation` within a React component and pass it any options that fit your needs.
 * When your component renders, `useCreateAssistantEvaluationQuestionMutation` returns a tuple that includes:
 * - A mutate function that you can call at any time to execute the mutation
 * - An object with fields that represent the current status of the mutation's execution
 *
 * @param baseOptions options that will be passed into the mutation, supported options are listed on: https://www.apollographql.com/docs/react/api/react-hooks/#options-2;
 *
 * @example
 * const [createAssistantEvaluationQuestionMutation, { data, loading, error }] = useCreateAssistantEvaluationQuestionMutation({
 *   variables: {
 *      input: // value for 'input'
 *   },
 * });
 */
export function useCreateAssistantEvaluationQuestionMutation(baseOptions?: Apollo.MutationHookOptions<CreateAssistantEvaluationQuestionMutation, CreateAssistantEvaluationQuestionMutationVariables>) {
        const options = {...defaultOptions, ...baseOptions}
        return Apollo.useMutation<CreateAssistantEvaluationQuestionMutation, CreateAssistantEvaluationQuestionMutationVariables>(CreateAssistantEvaluationQuestionDocument, options);
      }
export type CreateAssistantEvaluationQuestionMutationHookResult = ReturnType<typeof useCreateAssistantEvaluationQuestionMutation>;
export type CreateAssistantEvaluationQuestionMutationResult = Apollo.MutationResult<CreateAssistantEvaluationQuestionMutation>;
export type CreateAssistantEvaluationQuestionMutationOptions = Apollo.BaseMutationOptions<CreateAssistantEvaluationQuestionMutation, CreateAssistantEvaluationQuestionMutationVariables>;
export const DeleteAssistantEvaluationQuestionDocument = gql`
    mutation DeleteAssistantEvaluationQuestion($input: DeleteAssistantEvaluationQuestionInput!) {
  deleteAssistantEvaluationQuestion(input: $input) {
    success
    errors
  }
}
    `;
export type DeleteAssistantEvaluationQuestionMutationFn = Apollo.MutationFunction<DeleteAssistantEvaluationQuestionMutation, DeleteAssistantEvaluationQuestionMutationVariables>;

/**
 * __useDeleteAssistantEvaluationQuestionMutation__
 *
 * To run a mutation, you first call `useDeleteAssistantEvaluationQuestionMutation` within a React component and pass it any options that fit your needs.
 * When your component renders, `useDeleteAssistantEvaluationQuestionMutation` returns a tuple that includes:
 * - A mutate function that you can call at any time to execute the mutation
 * - An object with fields that represent the current status of the mutation's execution
 *
 * @param baseOptions options that will be passed into the mutation, supported options are listed on: https://www.apollographql.com/docs/react/api/react-hooks/#options-2;
 *
 * @example
 * const [deleteAssistantEvaluationQuestionMutation, { data, loading, error }] = useDeleteAssistantEvaluationQuestionMutation({
 *   variables: {
 *      input: // value for 'input'
 *   },
 * });
 */
export function useDeleteAssistantEvaluationQuestionMutation(baseOptions?: Apollo.MutationHookOptions<DeleteAssistantEvaluationQuestionMutation, DeleteAssistantEvaluationQuestionMutationVariables>) {
        const options = {...defaultOptions, ...baseOptions}
        return Apollo.useMutation<DeleteAssistantEvaluationQuestionMutation, DeleteAssistantEvaluationQuestionMutationVariables>(DeleteAssistantEvaluationQuestionDocument, options);
      }
export type DeleteAssistantEvaluationQuestionMutationHookResult = ReturnType<typeof useDeleteAssistantEvaluationQuestionMutation>;
export type DeleteAssistantEvaluationQuestionMutationResult = Apollo.MutationResult<DeleteAssistantEvaluationQuestionMutation>;
export type DeleteAssistantEvaluationQuestionMutationOptions = Apollo.BaseMutationOptions<DeleteAssistantEvaluationQuestionMutation, DeleteAssistantEvaluationQuestionMutationVariables>;
export const RunAssistantEvaluationDocument = gql`
    mutation RunAssistantEvaluation($input: RunAssistantEvaluationInput!) {
  runAssistantEvaluation(input: $input) {
    success
    errors
    run {
      id
      status
    }
  }
}
    `;
export type RunAssistantEvaluationMutationFn = Apollo.MutationFunction<RunAssistantEvaluationMutation, RunAssistantEvaluationMutationVariables>;

/**
 * __useRunAssistantEvaluationMutation__
 *
 * To run a mutation, you first call `useRunAssistantEvaluationMutation` within a React component and pass it any options that fit your needs.
 * When your component renders, `useRunAssistantEvaluationMutation` returns a tuple that includes:
 * - A mutate function that you can call at any time to execute the mutation
 * - An object with fields that represent the current status of the mutation's execution
 *
 * @param baseOptions options that will be passed into the mutation, supported options are listed on: https://www.apollographql.com/docs/react/api/react-hooks/#options-2;
 *
 * @example
 * const [runAssistantEvaluationMutation, { data, loading, error }] = useRunAssistantEvaluationMutation({
 *   variables: {
 *      input: // value for 'input'
 *   },
 * });
 */
export function useRunAssistantEvaluationMutation(baseOptions?: Apollo.MutationHookOptions<RunAssistantEvaluationMutation, RunAssistantEvaluationMutationVariables>) {
        const options = {...defaultOptions, ...baseOptions}
        return Apollo.useMutation<RunAssistantEvaluationMutation, RunAssistantEvaluationMutationVariables>(RunAssistantEvaluationDocument, options);
      }
export type RunAssistantEvaluationMutationHookResult = ReturnType<typeof useRunAssistantEvaluationMutation>;
export type RunAssistantEvaluationMutationResult = Apollo.MutationResult<RunAssistantEvaluationMutation>;
export type RunAssistantEvaluationMutationOptions = Apollo.BaseMutationOptions<RunAssistantEvaluationMutation, RunAssistantEvaluationMutationVariables>;