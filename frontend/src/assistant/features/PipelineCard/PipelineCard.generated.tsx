import * as Types from '../../../graphql/types';

import { gql } from '@apollo/client';
import * as Apollo from '@apollo/client';
const defaultOptions = {} as const;
export type PipelineRunCardQueryVariables = Types.Exact<{
  id: Types.Scalars['UUID']['input'];
}>;


export type PipelineRunCardQuery = { __typename?: 'Query', assistantPipelineRun?: { __typename?: 'AssistantPipelineRun', id: string, status: string, progress: number, durationS?: number | null, outputs: any, messages: Array<{ __typename?: 'AssistantPipelineRunMessage', priority?: string | null, message: string }> } | null };


export const PipelineRunCardDocument = gql`
    query PipelineRunCard($id: UUID!) {
  assistantPipelineRun(toolExecutionId: $id) {
    id
    status
    progress
    durationS
    messages {
      priority
      message
    }
    outputs
  }
}
    `;

/**
 * __usePipelineRunCardQuery__
 *
 * To run a query within a React component, call `usePipelineRunCardQuery` and pass it any options that fit your needs.
 * When your component renders, `usePipelineRunCardQuery` returns an object from Apollo Client that contains loading, error, and data properties
 * you can use to render your UI.
 *
 * @param baseOptions options that will be passed into the query, supported options are listed on: https://www.apollographql.com/docs/react/api/react-hooks/#options;
 *
 * @example
 * const { data, loading, error } = usePipelineRunCardQuery({
 *   variables: {
 *      id: // value for 'id'
 *   },
 * });
 */
export function usePipelineRunCardQuery(baseOptions: Apollo.QueryHookOptions<PipelineRunCardQuery, PipelineRunCardQueryVariables> & ({ variables: PipelineRunCardQueryVariables; skip?: boolean; } | { skip: boolean; }) ) {
        const options = {...defaultOptions, ...baseOptions}
        return Apollo.useQuery<PipelineRunCardQuery, PipelineRunCardQueryVariables>(PipelineRunCardDocument, options);
      }
export function usePipelineRunCardLazyQuery(baseOptions?: Apollo.LazyQueryHookOptions<PipelineRunCardQuery, PipelineRunCardQueryVariables>) {
          const options = {...defaultOptions, ...baseOptions}
          return Apollo.useLazyQuery<PipelineRunCardQuery, PipelineRunCardQueryVariables>(PipelineRunCardDocument, options);
        }
// @ts-ignore
export function usePipelineRunCardSuspenseQuery(baseOptions?: Apollo.SuspenseQueryHookOptions<PipelineRunCardQuery, PipelineRunCardQueryVariables>): Apollo.UseSuspenseQueryResult<PipelineRunCardQuery, PipelineRunCardQueryVariables>;
export function usePipelineRunCardSuspenseQuery(baseOptions?: Apollo.SkipToken | Apollo.SuspenseQueryHookOptions<PipelineRunCardQuery, PipelineRunCardQueryVariables>): Apollo.UseSuspenseQueryResult<PipelineRunCardQuery | undefined, PipelineRunCardQueryVariables>;
export function usePipelineRunCardSuspenseQuery(baseOptions?: Apollo.SkipToken | Apollo.SuspenseQueryHookOptions<PipelineRunCardQuery, PipelineRunCardQueryVariables>) {
          const options = baseOptions === Apollo.skipToken ? baseOptions : {...defaultOptions, ...baseOptions}
          return Apollo.useSuspenseQuery<PipelineRunCardQuery, PipelineRunCardQueryVariables>(PipelineRunCardDocument, options);
        }
export type PipelineRunCardQueryHookResult = ReturnType<typeof usePipelineRunCardQuery>;
export type PipelineRunCardLazyQueryHookResult = ReturnType<typeof usePipelineRunCardLazyQuery>;
export type PipelineRunCardSuspenseQueryHookResult = ReturnType<typeof usePipelineRunCardSuspenseQuery>;
export type PipelineRunCardQueryResult = Apollo.QueryResult<PipelineRunCardQuery, PipelineRunCardQueryVariables>;