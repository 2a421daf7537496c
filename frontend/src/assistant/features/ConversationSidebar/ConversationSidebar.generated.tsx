import * as Types from '../../../graphql/types';

import { gql } from '@apollo/client';
import * as Apollo from '@apollo/client';
const defaultOptions = {} as const;
export type AssistantConversationSidebarQueryVariables = Types.Exact<{
  slug: Types.Scalars['String']['input'];
  search?: Types.InputMaybe<Types.Scalars['String']['input']>;
}>;


export type AssistantConversationSidebarQuery = { __typename?: 'Query', workspace?: { __typename?: 'Workspace', slug: string, assistantConversations: { __typename?: 'AssistantConversationPage', totalItems: number, items: Array<{ __typename?: 'AssistantConversation', id: string, title: string, isRunning: boolean, updatedAt: string, searchExcerpt?: string | null }> } } | null };


export const AssistantConversationSidebarDocument = gql`
    query AssistantConversationSidebar($slug: String!, $search: String) {
  workspace(slug: $slug) {
    slug
    assistantConversations(page: 1, perPage: 50, search: $search) {
      totalItems
      items {
        id
        title
        isRunning
        updatedAt
        searchExcerpt
      }
    }
  }
}
    `;

/**
 * __useAssistantConversationSidebarQuery__
 *
 * To run a query within a React component, call `useAssistantConversationSidebarQuery` and pass it any options that fit your needs.
 * When your component renders, `useAssistantConversationSidebarQuery` returns an object from Apollo Client that contains loading, error, and data properties
 * you can use to render your UI.
 *
 * @param baseOptions options that will be passed into the query, supported options are listed on: https://www.apollographql.com/docs/react/api/react-hooks/#options;
 *
 * @example
 * const { data, loading, error } = useAssistantConversationSidebarQuery({
 *   variables: {
 *      slug: // value for 'slug'
 *      search: // value for 'search'
 *   },
 * });
 */
export function useAssistantConversationSidebarQuery(baseOptions: Apollo.QueryHookOptions<AssistantConversationSidebarQuery, AssistantConversationSidebarQueryVariables> & ({ variables: AssistantConversationSidebarQueryVariables; skip?: boolean; } | { skip: boolean; }) ) {
        const options = {...defaultOptions, ...baseOptions}
        return Apollo.useQuery<AssistantConversationSidebarQuery, AssistantConversationSidebarQueryVariables>(AssistantConversationSidebarDocument, options);
      }
export function useAssistantConversationSidebarLazyQuery(baseOptions?: Apollo.LazyQueryHookOptions<AssistantConversationSidebarQuery, AssistantConversationSidebarQueryVariables>) {
          const options = {...defaultOptions, ...baseOptions}
          return Apollo.useLazyQuery<AssistantConversationSidebarQuery, AssistantConversationSidebarQueryVariables>(AssistantConversationSidebarDocument, options);
        }
// @ts-ignore
export function useAssistantConversationSidebarSuspenseQuery(baseOptions?: Apollo.SuspenseQueryHookOptions<AssistantConversationSidebarQuery, AssistantConversationSidebarQueryVariables>): Apollo.UseSuspenseQueryResult<AssistantConversationSidebarQuery, AssistantConversationSidebarQueryVariables>;
export function useAssistantConversationSidebarSuspenseQuery(baseOptions?: Apollo.SkipToken | Apollo.SuspenseQueryHookOptions<AssistantConversationSidebarQuery, AssistantConversationSidebarQueryVariables>): Apollo.UseSuspenseQueryResult<AssistantConversationSidebarQuery | undefined, AssistantConversationSidebarQueryVariables>;
export function useAssistantConversationSidebarSuspenseQuery(baseOptions?: Apollo.SkipToken | Apollo.SuspenseQueryHookOptions<AssistantConversationSidebarQuery, AssistantConversationSidebarQueryVariables>) {
          const options = baseOptions === Apollo.skipToken ? baseOptions : {...defaultOptions, ...baseOptions}
          return Apollo.useSuspenseQuery<AssistantConversationSidebarQuery, AssistantConversationSidebarQueryVariables>(AssistantConversationSidebarDocument, options);
        }
export type AssistantConversationSidebarQueryHookResult = ReturnType<typeof useAssistantConversationSidebarQuery>;
export type AssistantConversationSidebarLazyQueryHookResult = ReturnType<typeof useAssistantConversationSidebarLazyQuery>;
export type AssistantConversationSidebarSuspenseQueryHookResult = ReturnType<typeof useAssistantConversationSidebarSuspenseQuery>;
export type AssistantConversationSidebarQueryResult = Apollo.QueryResult<AssistantConversationSidebarQuery, AssistantConversationSidebarQueryVariables>;