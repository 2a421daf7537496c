import * as Types from '../../../graphql/types';

import { gql } from '@apollo/client';
import * as Apollo from '@apollo/client';
const defaultOptions = {} as const;
export type AssistantStartScreenQueryVariables = Types.Exact<{
  slug: Types.Scalars['String']['input'];
}>;


export type AssistantStartScreenQuery = { __typename?: 'Query', workspace?: { __typename?: 'Workspace', slug: string, myRole?: Types.WorkspaceMembershipRole | null, assistantStartScreen?: { __typename?: 'AssistantStartScreen', tableCount: number, entryCount: number, examples: Array<string>, tables: Array<{ __typename?: 'AssistantReachableTable', name: string, kind: string }>, entries: Array<{ __typename?: 'AssistantReachableEntry', name: string, isDirectory: boolean }>, exampleQuestions: Array<{ __typename?: 'AssistantExampleQuestion', kind: Types.AssistantExampleQuestionKind, subject?: string | null, text: string }> } | null } | null };


export const AssistantStartScreenDocument = gql`
    query AssistantStartScreen($slug: String!) {
  workspace(slug: $slug) {
    slug
    myRole
    assistantStartScreen {
      tables {
        name
        kind
      }
      tableCount
      entries {
        name
        isDirectory
      }
      entryCount
      examples
      exampleQuestions {
        kind
        subject
        text
      }
    }
  }
}
    `;

/**
 * __useAssistantStartScreenQuery__
 *
 * To run a query within a React component, call `useAssistantStartScreenQuery` and pass it any options that fit your needs.
 * When your component renders, `useAssistantStartScreenQuery` returns an object from Apollo Client that contains loading, error, and data properties
 * you can use to render your UI.
 *
 * @param baseOptions options that will be passed into the query, supported options are listed on: https://www.apollographql.com/docs/react/api/react-hooks/#options;
 *
 * @example
 * const { data, loading, error } = useAssistantStartScreenQuery({
 *   variables: {
 *      slug: // value for 'slug'
 *   },
 * });
 */
export function useAssistantStartScreenQuery(baseOptions: Apollo.QueryHookOptions<AssistantStartScreenQuery, AssistantStartScreenQueryVariables> & ({ variables: AssistantStartScreenQueryVariables; skip?: boolean; } | { skip: boolean; }) ) {
        const options = {...defaultOptions, ...baseOptions}
        return Apollo.useQuery<AssistantStartScreenQuery, AssistantStartScreenQueryVariables>(AssistantStartScreenDocument, options);
      }
export function useAssistantStartScreenLazyQuery(baseOptions?: Apollo.LazyQueryHookOptions<AssistantStartScreenQuery, AssistantStartScreenQueryVariables>) {
          const options = {...defaultOptions, ...baseOptions}
          return Apollo.useLazyQuery<AssistantStartScreenQuery, AssistantStartScreenQueryVariables>(AssistantStartScreenDocument, options);
        }
// @ts-ignore
export function useAssistantStartScreenSuspenseQuery(baseOptions?: Apollo.SuspenseQueryHookOptions<AssistantStartScreenQuery, AssistantStartScreenQueryVariables>): Apollo.UseSuspenseQueryResult<AssistantStartScreenQuery, AssistantStartScreenQueryVariables>;
export function useAssistantStartScreenSuspenseQuery(baseOptions?: Apollo.SkipToken | Apollo.SuspenseQueryHookOptions<AssistantStartScreenQuery, AssistantStartScreenQueryVariables>): Apollo.UseSuspenseQueryResult<AssistantStartScreenQuery | undefined, AssistantStartScreenQueryVariables>;
export function useAssistantStartScreenSuspenseQuery(baseOptions?: Apollo.SkipToken | Apollo.SuspenseQueryHookOptions<AssistantStartScreenQuery, AssistantStartScreenQueryVariables>) {
          const options = baseOptions === Apollo.skipToken ? baseOptions : {...defaultOptions, ...baseOptions}
          return Apollo.useSuspenseQuery<AssistantStartScreenQuery, AssistantStartScreenQueryVariables>(AssistantStartScreenDocument, options);
        }
export type AssistantStartScreenQueryHookResult = ReturnType<typeof useAssistantStartScreenQuery>;
export type AssistantStartScreenLazyQueryHookResult = ReturnType<typeof useAssistantStartScreenLazyQuery>;
export type AssistantStartScreenSuspenseQueryHookResult = ReturnType<typeof useAssistantStartScreenSuspenseQuery>;
export type AssistantStartScreenQueryResult = Apollo.QueryResult<AssistantStartScreenQuery, AssistantStartScreenQueryVariables>;