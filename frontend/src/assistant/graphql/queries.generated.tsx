import * as Types from '../../graphql/types';

import { gql } from '@apollo/client';
import { UsageSummary_UsageFragmentDoc } from '../features/UsageSummary/UsageSummary.generated';
import { ConversationList_ConversationFragmentDoc } from '../features/ConversationList/ConversationList.generated';
import { ToolExecutionCard_ExecutionFragmentDoc } from '../features/ToolExecutionCard/ToolExecutionCard.generated';
import { ChatMessage_MessageFragmentDoc } from '../features/ChatMessage/ChatMessage.generated';
import * as Apollo from '@apollo/client';
const defaultOptions = {} as const;
export type AssistantConversationsQueryVariables = Types.Exact<{
  slug: Types.Scalars['String']['input'];
  page?: Types.InputMaybe<Types.Scalars['Int']['input']>;
  perPage?: Types.InputMaybe<Types.Scalars['Int']['input']>;
  search?: Types.InputMaybe<Types.Scalars['String']['input']>;
}>;


export type AssistantConversationsQuery = { __typename?: 'Query', me: { __typename?: 'Me', assistantUsage?: { __typename?: 'MyAssistantUsage', limit?: string | null, resetsAt: string, totals: { __typename?: 'AssistantUsageTotals', cost: string } } | null }, workspace?: { __typename?: 'Workspace', slug: string, name: string, myRole?: Types.WorkspaceMembershipRole | null, sharedAssistantConversations: { __typename?: 'AssistantConversationPage', totalItems: number, items: Array<{ __typename?: 'AssistantConversation', id: string, title: string, ownerName: string, updatedAt: string }> }, assistantConversations: { __typename?: 'AssistantConversationPage', pageNumber: number, totalPages: number, totalItems: number, moreMatches: boolean, items: Array<{ __typename?: 'AssistantConversation', id: string, title: string, cost: string, inputTokens: number, outputTokens: number, cacheCreationInputTokens: number, cacheReadInputTokens: number, isRunning: boolean, createdAt: string, updatedAt: string, searchExcerpt?: string | null }> } } | null };

export type AssistantChat_ConversationFragment = { __typename?: 'AssistantConversation', id: string, followUps: Array<string>, title: string, shared: boolean, isMine: boolean, ownerName: string, model: string, offlineModel: boolean, isRunning: boolean, lastEventSeq: number, lastAnswerHiddenFromModel?: string | null, inputTokens: number, outputTokens: number, cacheCreationInputTokens: number, cacheReadInputTokens: number, cost: string, updatedAt: string, editedQuestions: Array<{ __typename?: 'AssistantQuestionVersions', messageId: string, versions: Array<string> }>, verifiedAnswers: Array<{ __typename?: 'AssistantVerifiedAnswer', messageId: string, verifiedQueries: Array<{ __typename?: 'AssistantVerifiedQuery', id: string, question: string, verifiedBy?: { __typename?: 'User', email: string } | null }> }>, workspace: { __typename?: 'Workspace', slug: string, name: string }, pendingApprovals: Array<{ __typename?: 'AssistantToolExecution', id: string, toolUseId: string, name: string, tool?: Types.AssistantToolName | null, input: any, output?: any | null, success?: boolean | null, status: Types.AssistantToolExecutionStatus, durationMs?: number | null, createdAt: string, proposal?: { __typename?: 'AssistantWriteProposal', path: string, action: Types.AssistantWriteAction, size: number, diff?: string | null, rejectionReason?: string | null, resolvedAt?: string | null } | null }>, summaries: Array<{ __typename?: 'AssistantConversationSummary', id: string, text: string, lastMessageId: string, hiddenFromModel: boolean }> };

export type AssistantConversationQueryVariables = Types.Exact<{
  id: Types.Scalars['UUID']['input'];
  perPage?: Types.InputMaybe<Types.Scalars['Int']['input']>;
}>;


export type AssistantConversationQuery = { __typename?: 'Query', assistantConversation?: { __typename?: 'AssistantConversation', id: string, followUps: Array<string>, title: string, shared: boolean, isMine: boolean, ownerName: string, model: string, offlineModel: boolean, isRunning: boolean, lastEventSeq: number, lastAnswerHiddenFromModel?: string | null, inputTokens: number, outputTokens: number, cacheCreationInputTokens: number, cacheReadInputTokens: number, cost: string, updatedAt: string, messages: { __typename?: 'AssistantMessagePage', pageNumber: number, totalPages: number, totalItems: number, items: Array<{ __typename?: 'AssistantMessage', id: string, role: Types.AssistantMessageRole, text: string, status: Types.AssistantMessageStatus, errorCode?: Types.AssistantErrorCode | null, errorMessage?: string | null, model?: string | null, modelCalls: number, inputTokens: number, outputTokens: number, cacheCreationInputTokens: number, cacheReadInputTokens: number, cost: string, firstEventSeq?: number | null, createdAt: string, feedback?: Types.AssistantFeedback | null, toolExecutions: Array<{ __typename?: 'AssistantToolExecution', id: string, toolUseId: string, name: string, tool?: Types.AssistantToolName | null, input: any, output?: any | null, success?: boolean | null, status: Types.AssistantToolExecutionStatus, durationMs?: number | null, createdAt: string, proposal?: { __typename?: 'AssistantWriteProposal', path: string, action: Types.AssistantWriteAction, size: number, diff?: string | null, rejectionReason?: string | null, resolvedAt?: string | null } | null }>, parts: Array<{ __typename?: 'AssistantMessagePart', text?: string | null, toolExecution?: { __typename?: 'AssistantToolExecution', id: string } | null }> }> }, editedQuestions: Array<{ __typename?: 'AssistantQuestionVersions', messageId: string, versions: Array<string> }>, verifiedAnswers: Array<{ __typename?: 'AssistantVerifiedAnswer', messageId: string, verifiedQueries: Array<{ __typename?: 'AssistantVerifiedQuery', id: string, question: string, verifiedBy?: { __typename?: 'User', email: string } | null }> }>, workspace: { __typename?: 'Workspace', slug: string, name: string }, pendingApprovals: Array<{ __typename?: 'AssistantToolExecution', id: string, toolUseId: string, name: string, tool?: Types.AssistantToolName | null, input: any, output?: any | null, success?: boolean | null, status: Types.AssistantToolExecutionStatus, durationMs?: number | null, createdAt: string, proposal?: { __typename?: 'AssistantWriteProposal', path: string, action: Types.AssistantWriteAction, size: number, diff?: string | null, rejectionReason?: string | null, resolvedAt?: string | null } | null }>, summaries: Array<{ __typename?: 'AssistantConversationSummary', id: string, text: string, lastMessageId: string, hiddenFromModel: boolean }> } | null };

export type AssistantConversationMessagesQueryVariables = Types.Exact<{
  id: Types.Scalars['UUID']['input'];
  page: Types.Scalars['Int']['input'];
  perPage?: Types.InputMaybe<Types.Scalars['Int']['input']>;
}>;


export type AssistantConversationMessagesQuery = { __typename?: 'Query', assistantConversation?: { __typename?: 'AssistantConversation', id: string, messages: { __typename?: 'AssistantMessagePage', pageNumber: number, totalPages: number, totalItems: number, items: Array<{ __typename?: 'AssistantMessage', id: string, role: Types.AssistantMessageRole, text: string, status: Types.AssistantMessageStatus, errorCode?: Types.AssistantErrorCode | null, errorMessage?: string | null, model?: string | null, modelCalls: number, inputTokens: number, outputTokens: number, cacheCreationInputTokens: number, cacheReadInputTokens: number, cost: string, firstEventSeq?: number | null, createdAt: string, feedback?: Types.AssistantFeedback | null, toolExecutions: Array<{ __typename?: 'AssistantToolExecution', id: string, toolUseId: string, name: string, tool?: Types.AssistantToolName | null, input: any, output?: any | null, success?: boolean | null, status: Types.AssistantToolExecutionStatus, durationMs?: number | null, createdAt: string, proposal?: { __typename?: 'AssistantWriteProposal', path: string, action: Types.AssistantWriteAction, size: number, diff?: string | null, rejectionReason?: string | null, resolvedAt?: string | null } | null }>, parts: Array<{ __typename?: 'AssistantMessagePart', text?: string | null, toolExecution?: { __typename?: 'AssistantToolExecution', id: string } | null }> }> } } | null };

export const AssistantChat_ConversationFragmentDoc = gql`
    fragment AssistantChat_conversation on AssistantConversation {
  id
  followUps
  editedQuestions {
    messageId
    versions
  }
  verifiedAnswers {
    messageId
    verifiedQueries {
      id
      question
      verifiedBy {
        email
      }
    }
  }
  title
  shared
  isMine
  ownerName
  model
  offlineModel
  isRunning
  lastEventSeq
  lastAnswerHiddenFromModel
  inputTokens
  outputTokens
  cacheCreationInputTokens
  cacheReadInputTokens
  cost
  updatedAt
  workspace {
    slug
    name
  }
  pendingApprovals {
    ...ToolExecutionCard_execution
  }
  summaries {
    id
    text
    lastMessageId
    hiddenFromModel
  }
}
    ${ToolExecutionCard_ExecutionFragmentDoc}`;
export const AssistantConversationsDocument = gql`
    query AssistantConversations($slug: String!, $page: Int, $perPage: Int, $search: String) {
  me {
    assistantUsage {
      ...UsageSummary_usage
    }
  }
  workspace(slug: $slug) {
    slug
    name
    myRole
    sharedAssistantConversations(page: 1, perPage: 20) {
      totalItems
      items {
        id
        title
        ownerName
        updatedAt
      }
    }
    assistantConversations(page: $page, perPage: $perPage, search: $search) {
      pageNumber
      totalPages
      totalItems
      moreMatches
      items {
        ...ConversationList_conversation
      }
    }
  }
}
    ${UsageSummary_UsageFragmentDoc}
${ConversationList_ConversationFragmentDoc}`;

/**
 * __useAssistantConversationsQuery__
 *
 * To run a query within a React component, call `useAssistantConversationsQuery` and pass it any options that fit your needs.
 * When your component renders, `useAssistantConversationsQuery` returns an object from Apollo Client that contains loading, error, and data properties
 * you can use to render your UI.
 *
 * @param baseOptions options that will be passed into the query, supported options are listed on: https://www.apollographql.com/docs/react/api/react-hooks/#options;
 *
 * @example
 * const { data, loading, error } = useAssistantConversationsQuery({
 *   variables: {
 *      slug: // value for 'slug'
 *      page: // value for 'page'
 *      perPage: // value for 'perPage'
 *      search: // value for 'search'
 *   },
 * });
 */
export function useAssistantConversationsQuery(baseOptions: Apollo.QueryHookOptions<AssistantConversationsQuery, AssistantConversationsQueryVariables> & ({ variables: AssistantConversationsQueryVariables; skip?: boolean; } | { skip: boolean; }) ) {
        const options = {...defaultOptions, ...baseOptions}
        return Apollo.useQuery<AssistantConversationsQuery, AssistantConversationsQueryVariables>(AssistantConversationsDocument, options);
      }
export function useAssistantConversationsLazyQuery(baseOptions?: Apollo.LazyQueryHookOptions<AssistantConversationsQuery, AssistantConversationsQueryVariables>) {
          const options = {...defaultOptions, ...baseOptions}
          return Apollo.useLazyQuery<AssistantConversationsQuery, AssistantConversationsQueryVariables>(AssistantConversationsDocument, options);
        }
// @ts-ignore
export function useAssistantConversationsSuspenseQuery(baseOptions?: Apollo.SuspenseQueryHookOptions<AssistantConversationsQuery, AssistantConversationsQueryVariables>): Apollo.UseSuspenseQueryResult<AssistantConversationsQuery, AssistantConversationsQueryVariables>;
export function useAssistantConversationsSuspenseQuery(baseOptions?: Apollo.SkipToken | Apollo.SuspenseQueryHookOptions<AssistantConversationsQuery, AssistantConversationsQueryVariables>): Apollo.UseSuspenseQueryResult<AssistantConversationsQuery | undefined, AssistantConversationsQueryVariables>;
export function useAssistantConversationsSuspenseQuery(baseOptions?: Apollo.SkipToken | Apollo.SuspenseQueryHookOptions<AssistantConversationsQuery, AssistantConversationsQueryVariables>) {
          const options = baseOptions === Apollo.skipToken ? baseOptions : {...defaultOptions, ...baseOptions}
          return Apollo.useSuspenseQuery<AssistantConversationsQuery, AssistantConversationsQueryVariables>(AssistantConversationsDocument, options);
        }
export type AssistantConversationsQueryHookResult = ReturnType<typeof useAssistantConversationsQuery>;
export type AssistantConversationsLazyQueryHookResult = ReturnType<typeof useAssistantConversationsLazyQuery>;
export type AssistantConversationsSuspenseQueryHookResult = ReturnType<typeof useAssistantConversationsSuspenseQuery>;
export type AssistantConversationsQueryResult = Apollo.QueryResult<AssistantConversationsQuery, AssistantConversationsQueryVariables>;
export const AssistantConversationDocument = gql`
    query AssistantConversation($id: UUID!, $perPage: Int) {
  assistantConversation(id: $id) {
    ...AssistantChat_conversation
    messages(page: 1, perPage: $perPage) {
      pageNumber
      totalPages
      totalItems
      items {
        ...ChatMessage_message
      }
    }
  }
}
    ${AssistantChat_ConversationFragmentDoc}
${ChatMessage_MessageFragmentDoc}`;

/**
 * __useAssistantConversationQuery__
 *
 * To run a query within a React component, call `useAssistantConversationQuery` and pass it any options that fit your needs.
 * When your component renders, `useAssistantConversationQuery` returns an object from Apollo Client that contains loading, error, and data properties
 * you can use to render your UI.
 *
 * @param baseOptions options that will be passed into the query, supported options are listed on: https://www.apollographql.com/docs/react/api/react-hooks/#options;
 *
 * @example
 * const { data, loading, error } = useAssistantConversationQuery({
 *   variables: {
 *      id: // value for 'id'
 *      perPage: // value for 'perPage'
 *   },
 * });
 */
export function useAssistantConversationQuery(baseOptions: Apollo.QueryHookOptions<AssistantConversationQuery, AssistantConversationQueryVariables> & ({ variables: AssistantConversationQueryVariables; skip?: boolean; } | { skip: boolean; }) ) {
        const options = {...defaultOptions, ...baseOptions}
        return Apollo.useQuery<AssistantConversationQuery, AssistantConversationQueryVariables>(AssistantConversationDocument, options);
      }
export function useAssistantConversationLazyQuery(baseOptions?: Apollo.LazyQueryHookOptions<AssistantConversationQuery, AssistantConversationQueryVariables>) {
          const options = {...defaultOptions, ...baseOptions}
          return Apollo.useLazyQuery<AssistantConversationQuery, AssistantConversationQueryVariables>(AssistantConversationDocument, options);
        }
// @ts-ignore
export function useAssistantConversationSuspenseQuery(baseOptions?: Apollo.SuspenseQueryHookOptions<AssistantConversationQuery, AssistantConversationQueryVariables>): Apollo.UseSuspenseQueryResult<AssistantConversationQuery, AssistantConversationQueryVariables>;
export function useAssistantConversationSuspenseQuery(baseOptions?: Apollo.SkipToken | Apollo.SuspenseQueryHookOptions<AssistantConversationQuery, AssistantConversationQueryVariables>): Apollo.UseSuspenseQueryResult<AssistantConversationQuery | undefined, AssistantConversationQueryVariables>;
export function useAssistantConversationSuspenseQuery(baseOptions?: Apollo.SkipToken | Apollo.SuspenseQueryHookOptions<AssistantConversationQuery, AssistantConversationQueryVariables>) {
          const options = baseOptions === Apollo.skipToken ? baseOptions : {...defaultOptions, ...baseOptions}
          return Apollo.useSuspenseQuery<AssistantConversationQuery, AssistantConversationQueryVariables>(AssistantConversationDocument, options);
        }
export type AssistantConversationQueryHookResult = ReturnType<typeof useAssistantConversationQuery>;
export type AssistantConversationLazyQueryHookResult = ReturnType<typeof useAssistantConversationLazyQuery>;
export type AssistantConversationSuspenseQueryHookResult = ReturnType<typeof useAssistantConversationSuspenseQuery>;
export type AssistantConversationQueryResult = Apollo.QueryResult<AssistantConversationQuery, AssistantConversationQueryVariables>;
export const AssistantConversationMessagesDocument = gql`
    query AssistantConversationMessages($id: UUID!, $page: Int!, $perPage: Int) {
  assistantConversation(id: $id) {
    id
    messages(page: $page, perPage: $perPage) {
      pageNumber
      totalPages
      totalItems
      items {
        ...ChatMessage_message
      }
    }
  }
}
    ${ChatMessage_MessageFragmentDoc}`;

/**
 * __useAssistantConversationMessagesQuery__
 *
 * To run a query within a React component, call `useAssistantConversationMessagesQuery` and pass it any options that fit your needs.
 * When your component renders, `useAssistantConversationMessagesQuery` returns an object from Apollo Client that contains loading, error, and data properties
 * you can use to render your UI.
 *
 * @param baseOptions options that will be passed into the query, supported options are listed on: https://www.apollographql.com/docs/react/api/react-hooks/#options;
 *
 * @example
 * const { data, loading, error } = useAssistantConversationMessagesQuery({
 *   variables: {
 *      id: // value for 'id'
 *      page: // value for 'page'
 *      perPage: // value for 'perPage'
 *   },
 * });
 */
export function useAssistantConversationMessagesQuery(baseOptions: Apollo.QueryHookOptions<AssistantConversationMessagesQuery, AssistantConversationMessagesQueryVariables> & ({ variables: AssistantConversationMessagesQueryVariables; skip?: boolean; } | { skip: boolean; }) ) {
        const options = {...defaultOptions, ...baseOptions}
        return Apollo.useQuery<AssistantConversationMessagesQuery, AssistantConversationMessagesQueryVariables>(AssistantConversationMessagesDocument, options);
      }
export function useAssistantConversationMessagesLazyQuery(baseOptions?: Apollo.LazyQueryHookOptions<AssistantConversationMessagesQuery, AssistantConversationMessagesQueryVariables>) {
          const options = {...defaultOptions, ...baseOptions}
          return Apollo.useLazyQuery<AssistantConversationMessagesQuery, AssistantConversationMessagesQueryVariables>(AssistantConversationMessagesDocument, options);
        }
// @ts-ignore
export function useAssistantConversationMessagesSuspenseQuery(baseOptions?: Apollo.SuspenseQueryHookOptions<AssistantConversationMessagesQuery, AssistantConversationMessagesQueryVariables>): Apollo.UseSuspenseQueryResult<AssistantConversationMessagesQuery, AssistantConversationMessagesQueryVariables>;
export function useAssistantConversationMessagesSuspenseQuery(baseOptions?: Apollo.SkipToken | Apollo.SuspenseQueryHookOptions<AssistantConversationMessagesQuery, AssistantConversationMessagesQueryVariables>): Apollo.UseSuspenseQueryResult<AssistantConversationMessagesQuery | undefined, AssistantConversationMessagesQueryVariables>;
export function useAssistantConversationMessagesSuspenseQuery(baseOptions?: Apollo.SkipToken | Apollo.SuspenseQueryHookOptions<AssistantConversationMessagesQuery, AssistantConversationMessagesQueryVariables>) {
          const options = baseOptions === Apollo.skipToken ? baseOptions : {...defaultOptions, ...baseOptions}
          return Apollo.useSuspenseQuery<AssistantConversationMessagesQuery, AssistantConversationMessagesQueryVariables>(AssistantConversationMessagesDocument, options);
        }
export type AssistantConversationMessagesQueryHookResult = ReturnType<typeof useAssistantConversationMessagesQuery>;
export type AssistantConversationMessagesLazyQueryHookResult = ReturnType<typeof useAssistantConversationMessagesLazyQuery>;
export type AssistantConversationMessagesSuspenseQueryHookResult = ReturnType<typeof useAssistantConversationMessagesSuspenseQuery>;
export type AssistantConversationMessagesQueryResult = Apollo.QueryResult<AssistantConversationMessagesQuery, AssistantConversationMessagesQueryVariables>;