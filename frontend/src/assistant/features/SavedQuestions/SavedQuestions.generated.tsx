import * as Types from '../../../graphql/types';

import { gql } from '@apollo/client';
import * as Apollo from '@apollo/client';
const defaultOptions = {} as const;
export type AssistantSavedQuestionsQueryVariables = Types.Exact<{
  slug: Types.Scalars['String']['input'];
}>;


export type AssistantSavedQuestionsQuery = { __typename?: 'Query', workspace?: { __typename?: 'Workspace', slug: string, assistantSettings?: { __typename?: 'AssistantSettings', promptTemplates: Array<{ __typename?: 'AssistantPromptTemplate', id: string, title: string, text: string }> } | null } | null };


export const AssistantSavedQuestionsDocument = gql`
    query AssistantSavedQuestions($slug: String!) {
  workspace(slug: $slug) {
    slug
    assistantSettings {
      promptTemplates {
        id
        title
        text
      }
    }
  }
}
    `;

/**
 * __useAssistantSavedQuestionsQuery__
 *
 * To run a query within a React component, call `useAssistantSavedQuestionsQuery` and pass it any options that fit your needs.
 * When your component renders, `useAssistantSavedQuestionsQuery` returns an object from Apollo Client that contains loading, error, and data properties
 * you can use to render your UI.
 *
 * @param baseOptions options that will be passed into the query, supported options are listed on: https://www.apollographql.com/docs/react/api/react-hooks/#options;
 *
 * @example
 * const { data, loading, error } = useAssistantSavedQuestionsQuery({
 *   variables: {
 *      slug: // value for 'slug'
 *   },
 * });
 */
export function useAssistantSavedQuestionsQuery(baseOptions: Apollo.QueryHookOptions<AssistantSavedQuestionsQuery, AssistantSavedQuestionsQueryVariables> & ({ variables: AssistantSavedQuestionsQueryVariables; skip?: boolean; } | { skip: boolean; }) ) {
        const options = {...defaultOptions, ...baseOptions}
        return Apollo.useQuery<AssistantSavedQuestionsQuery, AssistantSavedQuestionsQueryVariables>(AssistantSavedQuestionsDocument, options);
      }
export function useAssistantSavedQuestionsLazyQuery(baseOptions?: Apollo.LazyQueryHookOptions<AssistantSavedQuestionsQuery, AssistantSavedQuestionsQueryVariables>) {
          const options = {...defaultOptions, ...baseOptions}
          return Apollo.useLazyQuery<AssistantSavedQuestionsQuery, AssistantSavedQuestionsQueryVariables>(AssistantSavedQuestionsDocument, options);
        }
// @ts-ignore
export function useAssistantSavedQuestionsSuspenseQuery(baseOptions?: Apollo.SuspenseQueryHookOptions<AssistantSavedQuestionsQuery, AssistantSavedQuestionsQueryVariables>): Apollo.UseSuspenseQueryResult<AssistantSavedQuestionsQuery, AssistantSavedQuestionsQueryVariables>;
export function useAssistantSavedQuestionsSuspenseQuery(baseOptions?: Apollo.SkipToken | Apollo.SuspenseQueryHookOptions<AssistantSavedQuestionsQuery, AssistantSavedQuestionsQueryVariables>): Apollo.UseSuspenseQueryResult<AssistantSavedQuestionsQuery | undefined, AssistantSavedQuestionsQueryVariables>;
export function useAssistantSavedQuestionsSuspenseQuery(baseOptions?: Apollo.SkipToken | Apollo.SuspenseQueryHookOptions<AssistantSavedQuestionsQuery, AssistantSavedQuestionsQueryVariables>) {
          const options = baseOptions === Apollo.skipToken ? baseOptions : {...defaultOptions, ...baseOptions}
          return Apollo.useSuspenseQuery<AssistantSavedQuestionsQuery, AssistantSavedQuestionsQueryVariables>(AssistantSavedQuestionsDocument, options);
        }
export type AssistantSavedQuestionsQueryHookResult = ReturnType<typeof useAssistantSavedQuestionsQuery>;
export type AssistantSavedQuestionsLazyQueryHookResult = ReturnType<typeof useAssistantSavedQuestionsLazyQuery>;
export type AssistantSavedQuestionsSuspenseQueryHookResult = ReturnType<typeof useAssistantSavedQuestionsSuspenseQuery>;
export type AssistantSavedQuestionsQueryResult = Apollo.QueryResult<AssistantSavedQuestionsQuery, AssistantSavedQuestionsQueryVariables>;