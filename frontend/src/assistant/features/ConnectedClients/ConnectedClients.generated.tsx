import * as Types from '../../../graphql/types';

import { gql } from '@apollo/client';
import * as Apollo from '@apollo/client';
const defaultOptions = {} as const;
export type ConnectedClients_ClientFragment = { __typename?: 'AssistantClient', id: string, name: string, kind: Types.AssistantClientKind, tools: Array<Types.AssistantToolName>, createdAt: string, lastUsedAt?: string | null, revokedAt?: string | null, workspaces: Array<{ __typename?: 'Workspace', slug: string, name: string }> };

export type ConnectedClientsQueryVariables = Types.Exact<{ [key: string]: never; }>;


export type ConnectedClientsQuery = { __typename?: 'Query', me: { __typename?: 'Me', assistantMcpUrl: string, assistantClients: Array<{ __typename?: 'AssistantClient', id: string, name: string, kind: Types.AssistantClientKind, tools: Array<Types.AssistantToolName>, createdAt: string, lastUsedAt?: string | null, revokedAt?: string | null, workspaces: Array<{ __typename?: 'Workspace', slug: string, name: string }> }>, assistantGrantable: Array<{ __typename?: 'AssistantGrantableWorkspace', tools: Array<Types.AssistantToolName>, workspace: { __typename?: 'Workspace', slug: string, name: string } }> } };

export type CreateAssistantClientTokenMutationVariables = Types.Exact<{
  input: Types.CreateAssistantClientTokenInput;
}>;


export type CreateAssistantClientTokenMutation = { __typename?: 'Mutation', createAssistantClientToken: { __typename?: 'CreateAssistantClientTokenResult', success: boolean, errors: Array<Types.CreateAssistantClientTokenError>, token?: string | null, client?: { __typename?: 'AssistantClient', id: string, name: string, kind: Types.AssistantClientKind, tools: Array<Types.AssistantToolName>, createdAt: string, lastUsedAt?: string | null, revokedAt?: string | null, workspaces: Array<{ __typename?: 'Workspace', slug: string, name: string }> } | null } };

export type RevokeAssistantClientTokenMutationVariables = Types.Exact<{
  id: Types.Scalars['UUID']['input'];
}>;


export type RevokeAssistantClientTokenMutation = { __typename?: 'Mutation', revokeAssistantClientToken: { __typename?: 'RevokeAssistantClientTokenResult', success: boolean, errors: Array<Types.RevokeAssistantClientTokenError>, client?: { __typename?: 'AssistantClient', id: string, name: string, kind: Types.AssistantClientKind, tools: Array<Types.AssistantToolName>, createdAt: string, lastUsedAt?: string | null, revokedAt?: string | null, workspaces: Array<{ __typename?: 'Workspace', slug: string, name: string }> } | null } };

export const ConnectedClients_ClientFragmentDoc = gql`
    fragment ConnectedClients_client on AssistantClient {
  id
  name
  kind
  tools
  createdAt
  lastUsedAt
  revokedAt
  workspaces {
    slug
    name
  }
}
    `;
export const ConnectedClientsDocument = gql`
    query ConnectedClients {
  me {
    assistantMcpUrl
    assistantClients {
      ...ConnectedClients_client
    }
    assistantGrantable {
      workspace {
        slug
        name
      }
      tools
    }
  }
}
    ${ConnectedClients_ClientFragmentDoc}`;

/**
 * __useConnectedClientsQuery__
 *
 * To run a query within a React component, call `useConnectedClientsQuery` and pass it any options that fit your needs.
 * When your component renders, `useConnectedClientsQuery` returns an object from Apollo Client that contains loading, error, and data properties
 * you can use to render your UI.
 *
 * @param baseOptions options that will be passed into the query, supported options are listed on: https://www.apollographql.com/docs/react/api/react-hooks/#options;
 *
 * @example
 * const { data, loading, error } = useConnectedClientsQuery({
 *   variables: {
 *   },
 * });
 */
export function useConnectedClientsQuery(baseOptions?: Apollo.QueryHookOptions<ConnectedClientsQuery, ConnectedClientsQueryVariables>) {
        const options = {...defaultOptions, ...baseOptions}
        return Apollo.useQuery<ConnectedClientsQuery, ConnectedClientsQueryVariables>(ConnectedClientsDocument, options);
      }
export function useConnectedClientsLazyQuery(baseOptions?: Apollo.LazyQueryHookOptions<ConnectedClientsQuery, ConnectedClientsQueryVariables>) {
          const options = {...defaultOptions, ...baseOptions}
          return Apollo.useLazyQuery<ConnectedClientsQuery, ConnectedClientsQueryVariables>(ConnectedClientsDocument, options);
        }
// @ts-ignore
export function useConnectedClientsSuspenseQuery(baseOptions?: Apollo.SuspenseQueryHookOptions<ConnectedClientsQuery, ConnectedClientsQueryVariables>): Apollo.UseSuspenseQueryResult<ConnectedClientsQuery, ConnectedClientsQueryVariables>;
export function useConnectedClientsSuspenseQuery(baseOptions?: Apollo.SkipToken | Apollo.SuspenseQueryHookOptions<ConnectedClientsQuery, ConnectedClientsQueryVariables>): Apollo.UseSuspenseQueryResult<ConnectedClientsQuery | undefined, ConnectedClientsQueryVariables>;
export function useConnectedClientsSuspenseQuery(baseOptions?: Apollo.SkipToken | Apollo.SuspenseQueryHookOptions<ConnectedClientsQuery, ConnectedClientsQueryVariables>) {
          const options = baseOptions === Apollo.skipToken ? baseOptions : {...defaultOptions, ...baseOptions}
          return Apollo.useSuspenseQuery<ConnectedClientsQuery, ConnectedClientsQueryVariables>(ConnectedClientsDocument, options);
        }
export type ConnectedClientsQueryHookResult = ReturnType<typeof useConnectedClientsQuery>;
export type ConnectedClientsLazyQueryHookResult = ReturnType<typeof useConnectedClientsLazyQuery>;
export type ConnectedClientsSuspenseQueryHookResult = ReturnType<typeof useConnectedClientsSuspenseQuery>;
export type ConnectedClientsQueryResult = Apollo.QueryResult<ConnectedClientsQuery, ConnectedClientsQueryVariables>;
export const CreateAssistantClientTokenDocument = gql`
    mutation CreateAssistantClientToken($input: CreateAssistantClientTokenInput!) {
  createAssistantClientToken(input: $input) {
    success
    errors
    token
    client {
      ...ConnectedClients_client
    }
  }
}
    ${ConnectedClients_ClientFragmentDoc}`;
export type CreateAssistantClientTokenMutationFn = Apollo.MutationFunction<CreateAssistantClientTokenMutation, CreateAssistantClientTokenMutationVariables>;

/**
 * __useCreateAssistantClientTokenMutation__
 *
 * To run a mutation, you first call `useCreateAssistantClientTokenMutation` within a React component and pass it any options that fit your needs.
 * When your component renders, `useCreateAssistantClientTokenMutation` returns a tuple that includes:
 * - A mutate function that you can call at any time to execute the mutation
 * - An object with fields that represent the current status of the mutation's execution
 *
 * @param baseOptions options that will be passed into the mutation, supported options are listed on: https://www.apollographql.com/docs/react/api/react-hooks/#options-2;
 *
 * @example
 * const [createAssistantClientTokenMutation, { data, loading, error }] = useCreateAssistantClientTokenMutation({
 *   variables: {
 *      input: // value for 'input'
 *   },
 * });
 */
export function useCreateAssistantClientTokenMutation(baseOptions?: Apollo.MutationHookOptions<CreateAssistantClientTokenMutation, CreateAssistantClientTokenMutationVariables>) {
        const options = {...defaultOptions, ...baseOptions}
        return Apollo.useMutation<CreateAssistantClientTokenMutation, CreateAssistantClientTokenMutationVariables>(CreateAssistantClientTokenDocument, options);
      }
export type CreateAssistantClientTokenMutationHookResult = ReturnType<typeof useCreateAssistantClientTokenMutation>;
export type CreateAssistantClientTokenMutationResult = Apollo.MutationResult<CreateAssistantClientTokenMutation>;
export type CreateAssistantClientTokenMutationOptions = Apollo.BaseMutationOptions<CreateAssistantClientTokenMutation, CreateAssistantClientTokenMutationVariables>;
export const RevokeAssistantClientTokenDocument = gql`
    mutation RevokeAssistantClientToken($id: UUID!) {
  revokeAssistantClientToken(id: $id) {
    success
    errors
    client {
      ...ConnectedClients_client
    }
  }
}
    ${ConnectedClients_ClientFragmentDoc}`;
export type RevokeAssistantClientTokenMutationFn = Apollo.MutationFunction<RevokeAssistantClientTokenMutation, RevokeAssistantClientTokenMutationVariables>;

/**
 * __useRevokeAssistantClientTokenMutation__
 *
 * To run a mutation, you first call `useRevokeAssistantClientTokenMutation` within a React component and pass it any options that fit your needs.
 * When your component renders, `useRevokeAssistantClientTokenMutation` returns a tuple that includes:
 * - A mutate function that you can call at any time to execute the mutation
 * - An object with fields that represent the current status of the mutation's execution
 *
 * @param baseOptions options that will be passed into the mutation, supported options are listed on: https://www.apollographql.com/docs/react/api/react-hooks/#options-2;
 *
 * @example
 * const [revokeAssistantClientTokenMutation, { data, loading, error }] = useRevokeAssistantClientTokenMutation({
 *   variables: {
 *      id: // value for 'id'
 *   },
 * });
 */
export function useRevokeAssistantClientTokenMutation(baseOptions?: Apollo.MutationHookOptions<RevokeAssistantClientTokenMutation, RevokeAssistantClientTokenMutationVariables>) {
        const options = {...defaultOptions, ...baseOptions}
        return Apollo.useMutation<RevokeAssistantClientTokenMutation, RevokeAssistantClientTokenMutationVariables>(RevokeAssistantClientTokenDocument, options);
      }
export type RevokeAssistantClientTokenMutationHookResult = ReturnType<typeof useRevokeAssistantClientTokenMutation>;
export type RevokeAssistantClientTokenMutationResult = Apollo.MutationResult<RevokeAssistantClientTokenMutation>;
export type RevokeAssistantClientTokenMutationOptions = Apollo.BaseMutationOptions<RevokeAssistantClientTokenMutation, RevokeAssistantClientTokenMutationVariables>;