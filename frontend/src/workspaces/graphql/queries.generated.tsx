import * as Types from '../../graphql/types';

import { gql } from '@apollo/client';
import * as Apollo from '@apollo/client';
const defaultOptions = {} as const;
export type WorkspacesQueryVariables = Types.Exact<{
  page?: Types.InputMaybe<Types.Scalars['Int']['input']>;
  perPage?: Types.InputMaybe<Types.Scalars['Int']['input']>;
}>;


export type WorkspacesQuery = { __typename?: 'Query', workspaces: { __typename?: 'WorkspacePage', pageNumber: number, totalPages: number, totalItems: number, items: Array<{ __typename?: 'Workspace', slug: string, name: string, description?: string | null, myRole?: Types.WorkspaceMembershipRole | null }> } };

export type WorkspaceBucketQueryVariables = Types.Exact<{
  slug: Types.Scalars['String']['input'];
}>;


export type WorkspaceBucketQuery = { __typename?: 'Query', workspace?: { __typename?: 'Workspace', slug: string, bucket: { __typename?: 'WorkspaceBucket', name: string } } | null };

export type WorkspacePageQueryVariables = Types.Exact<{
  slug: Types.Scalars['String']['input'];
}>;


export type WorkspacePageQuery = { __typename?: 'Query', workspace?: { __typename?: 'Workspace', slug: string, name: string, myRole?: Types.WorkspaceMembershipRole | null } | null };


export const WorkspacesDocument = gql`
    query Workspaces($page: Int, $perPage: Int) {
  workspaces(page: $page, perPage: $perPage) {
    pageNumber
    totalPages
    totalItems
    items {
      slug
      name
      description
      myRole
    }
  }
}
    `;

/**
 * __useWorkspacesQuery__
 *
 * To run a query within a React component, call `useWorkspacesQuery` and pass it any options that fit your needs.
 * When your component renders, `useWorkspacesQuery` returns an object from Apollo Client that contains loading, error, and data properties
 * you can use to render your UI.
 *
 * @param baseOptions options that will be passed into the query, supported options are listed on: https://www.apollographql.com/docs/react/api/react-hooks/#options;
 *
 * @example
 * const { data, loading, error } = useWorkspacesQuery({
 *   variables: {
 *      page: // value for 'page'
 *      perPage: // value for 'perPage'
 *   },
 * });
 */
export function useWorkspacesQuery(baseOptions?: Apollo.QueryHookOptions<WorkspacesQuery, WorkspacesQueryVariables>) {
        const options = {...defaultOptions, ...baseOptions}
        return Apollo.useQuery<WorkspacesQuery, WorkspacesQueryVariables>(WorkspacesDocument, options);
      }
export function useWorkspacesLazyQuery(baseOptions?: Apollo.LazyQueryHookOptions<WorkspacesQuery, WorkspacesQueryVariables>) {
          const options = {...defaultOptions, ...baseOptions}
          return Apollo.useLazyQuery<WorkspacesQuery, WorkspacesQueryVariables>(WorkspacesDocument, options);
        }
// @ts-ignore
export function useWorkspacesSuspenseQuery(baseOptions?: Apollo.SuspenseQueryHookOptions<WorkspacesQuery, WorkspacesQueryVariables>): Apollo.UseSuspenseQueryResult<WorkspacesQuery, WorkspacesQueryVariables>;
export function useWorkspacesSuspenseQuery(baseOptions?: Apollo.SkipToken | Apollo.SuspenseQueryHookOptions<WorkspacesQuery, WorkspacesQueryVariables>): Apollo.UseSuspenseQueryResult<WorkspacesQuery | undefined, WorkspacesQueryVariables>;
export function useWorkspacesSuspenseQuery(baseOptions?: Apollo.SkipToken | Apollo.SuspenseQueryHookOptions<WorkspacesQuery, WorkspacesQueryVariables>) {
          const options = baseOptions === Apollo.skipToken ? baseOptions : {...defaultOptions, ...baseOptions}
          return Apollo.useSuspenseQuery<WorkspacesQuery, WorkspacesQueryVariables>(WorkspacesDocument, options);
        }
export type WorkspacesQueryHookResult = ReturnType<typeof useWorkspacesQuery>;
export type WorkspacesLazyQueryHookResult = ReturnType<typeof useWorkspacesLazyQuery>;
export type WorkspacesSuspenseQueryHookResult = ReturnType<typeof useWorkspacesSuspenseQuery>;
export type WorkspacesQueryResult = Apollo.QueryResult<WorkspacesQuery, WorkspacesQueryVariables>;
export const WorkspaceBucketDocument = gql`
    query WorkspaceBucket($slug: String!) {
  workspace(slug: $slug) {
    slug
    bucket {
      name
    }
  }
}
    `;

/**
 * __useWorkspaceBucketQuery__
 *
 * To run a query within a React component, call `useWorkspaceBucketQuery` and pass it any options that fit your needs.
 * When your component renders, `useWorkspaceBucketQuery` returns an object from Apollo Client that contains loading, error, and data properties
 * you can use to render your UI.
 *
 * @param baseOptions options that will be passed into the query, supported options are listed on: https://www.apollographql.com/docs/react/api/react-hooks/#options;
 *
 * @example
 * const { data, loading, error } = useWorkspaceBucketQuery({
 *   variables: {
 *      slug: // value for 'slug'
 *   },
 * });
 */
export function useWorkspaceBucketQuery(baseOptions: Apollo.QueryHookOptions<WorkspaceBucketQuery, WorkspaceBucketQueryVariables> & ({ variables: WorkspaceBucketQueryVariables; skip?: boolean; } | { skip: boolean; }) ) {
        const options = {...defaultOptions, ...baseOptions}
        return Apollo.useQuery<WorkspaceBucketQuery, WorkspaceBucketQueryVariables>(WorkspaceBucketDocument, options);
      }
export function useWorkspaceBucketLazyQuery(baseOptions?: Apollo.LazyQueryHookOptions<WorkspaceBucketQuery, WorkspaceBucketQueryVariables>) {
          const options = {...defaultOptions, ...baseOptions}
          return Apollo.useLazyQuery<WorkspaceBucketQuery, WorkspaceBucketQueryVariables>(WorkspaceBucketDocument, options);
        }
// @ts-ignore
export function useWorkspaceBucketSuspenseQuery(baseOptions?: Apollo.SuspenseQueryHookOptions<WorkspaceBucketQuery, WorkspaceBucketQueryVariables>): Apollo.UseSuspenseQueryResult<WorkspaceBucketQuery, WorkspaceBucketQueryVariables>;
export function useWorkspaceBucketSuspenseQuery(baseOptions?: Apollo.SkipToken | Apollo.SuspenseQueryHookOptions<WorkspaceBucketQuery, WorkspaceBucketQueryVariables>): Apollo.UseSuspenseQueryResult<WorkspaceBucketQuery | undefined, WorkspaceBucketQueryVariables>;
export function useWorkspaceBucketSuspenseQuery(baseOptions?: Apollo.SkipToken | Apollo.SuspenseQueryHookOptions<WorkspaceBucketQuery, WorkspaceBucketQueryVariables>) {
          const options = baseOptions === Apollo.skipToken ? baseOptions : {...defaultOptions, ...baseOptions}
          return Apollo.useSuspenseQuery<WorkspaceBucketQuery, WorkspaceBucketQueryVariables>(WorkspaceBucketDocument, options);
        }
export type WorkspaceBucketQueryHookResult = ReturnType<typeof useWorkspaceBucketQuery>;
export type WorkspaceBucketLazyQueryHookResult = ReturnType<typeof useWorkspaceBucketLazyQuery>;
export type WorkspaceBucketSuspenseQueryHookResult = ReturnType<typeof useWorkspaceBucketSuspenseQuery>;
export type WorkspaceBucketQueryResult = Apollo.QueryResult<WorkspaceBucketQuery, WorkspaceBucketQueryVariables>;
export const WorkspacePageDocument = gql`
    query WorkspacePage($slug: String!) {
  workspace(slug: $slug) {
    slug
    name
    myRole
  }
}
    `;

/**
 * __useWorkspacePageQuery__
 *
 * To run a query within a React component, call `useWorkspacePageQuery` and pass it any options that fit your needs.
 * When your component renders, `useWorkspacePageQuery` returns an object from Apollo Client that contains loading, error, and data properties
 * you can use to render your UI.
 *
 * @param baseOptions options that will be passed into the query, supported options are listed on: https://www.apollographql.com/docs/react/api/react-hooks/#options;
 *
 * @example
 * const { data, loading, error } = useWorkspacePageQuery({
 *   variables: {
 *      slug: // value for 'slug'
 *   },
 * });
 */
export function useWorkspacePageQuery(baseOptions: Apollo.QueryHookOptions<WorkspacePageQuery, WorkspacePageQueryVariables> & ({ variables: WorkspacePageQueryVariables; skip?: boolean; } | { skip: boolean; }) ) {
        const options = {...defaultOptions, ...baseOptions}
        return Apollo.useQuery<WorkspacePageQuery, WorkspacePageQueryVariables>(WorkspacePageDocument, options);
      }
export function useWorkspacePageLazyQuery(baseOptions?: Apollo.LazyQueryHookOptions<WorkspacePageQuery, WorkspacePageQueryVariables>) {
          const options = {...defaultOptions, ...baseOptions}
          return Apollo.useLazyQuery<WorkspacePageQuery, WorkspacePageQueryVariables>(WorkspacePageDocument, options);
        }
// @ts-ignore
export function useWorkspacePageSuspenseQuery(baseOptions?: Apollo.SuspenseQueryHookOptions<WorkspacePageQuery, WorkspacePageQueryVariables>): Apollo.UseSuspenseQueryResult<WorkspacePageQuery, WorkspacePageQueryVariables>;
export function useWorkspacePageSuspenseQuery(baseOptions?: Apollo.SkipToken | Apollo.SuspenseQueryHookOptions<WorkspacePageQuery, WorkspacePageQueryVariables>): Apollo.UseSuspenseQueryResult<WorkspacePageQuery | undefined, WorkspacePageQueryVariables>;
export function useWorkspacePageSuspenseQuery(baseOptions?: Apollo.SkipToken | Apollo.SuspenseQueryHookOptions<WorkspacePageQuery, WorkspacePageQueryVariables>) {
          const options = baseOptions === Apollo.skipToken ? baseOptions : {...defaultOptions, ...baseOptions}
          return Apollo.useSuspenseQuery<WorkspacePageQuery, WorkspacePageQueryVariables>(WorkspacePageDocument, options);
        }
export type WorkspacePageQueryHookResult = ReturnType<typeof useWorkspacePageQuery>;
export type WorkspacePageLazyQueryHookResult = ReturnType<typeof useWorkspacePageLazyQuery>;
export type WorkspacePageSuspenseQueryHookResult = ReturnType<typeof useWorkspacePageSuspenseQuery>;
export type WorkspacePageQueryResult = Apollo.QueryResult<WorkspacePageQuery, WorkspacePageQueryVariables>;