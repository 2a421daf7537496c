import * as Types from '../../graphql/types';

import { gql } from '@apollo/client';
import { ConversationList_ConversationFragmentDoc } from '../features/ConversationList/ConversationList.generated';
import { ChatMessage_MessageFragmentDoc } from '../features/ChatMessage/ChatMessage.generated';
import { ToolExecutionCard_ExecutionFragmentDoc } from '../features/ToolExecutionCard/ToolExecutionCard.generated';
import { AssistantChat_ConversationFragmentDoc } from './queries.generated';
import * as Apollo from '@apollo/client';
const defaultOptions = {} as const;
export type CreateAssistantConversationMutationVariables = Types.Exact<{
  input: Types.CreateAssistantConversationInput;
}>;


export type CreateAssistantConversationMutation = { __typename?: 'Mutation', createAssistantConversation: { __typename?: 'CreateAssistantConversationResult', success: boolean, errors: Array<Types.CreateAssistantConversationError>, conversation?: { __typename?: 'AssistantConversation', id: string, title: string, cost: string, inputTokens: number, outputTokens: number, cacheCreationInputTokens: number, cacheReadInputTokens: number, isRunning: boolean, createdAt: string, updatedAt: string, searchExcerpt?: string | null } | null } };

export type RenameAssistantConversationMutationVariables = Types.Exact<{
  input: Types.RenameAssistantConversationInput;
}>;


export type RenameAssistantConversationMutation = { __typename?: 'Mutation', renameAssistantConversation: { __typename?: 'RenameAssistantConversationResult', success: boolean, errors: Array<Types.AssistantConversationError>, conversation?: { __typename?: 'AssistantConversation', id: string, title: string, updatedAt: string } | null } };

export type ShareAssistantConversationMutationVariables = Types.Exact<{
  input: Types.ShareAssistantConversationInput;
}>;


export type ShareAssistantConversationMutation = { __typename?: 'Mutation', shareAssistantConversation: { __typename?: 'ShareAssistantConversationResult', success: boolean, errors: Array<Types.AssistantConversationError>, conversation?: { __typename?: 'AssistantConversation', id: string, shared: boolean } | null } };

export type ContinueAssistantConversationMutationVariables = Types.Exact<{
  input: Types.ContinueAssistantConversationInput;
}>;


export type ContinueAssistantConversationMutation = { __typename?: 'Mutation', continueAssistantConversation: { __typename?: 'ContinueAssistantConversationResult', success: boolean, errors: Array<Types.AssistantConversationError>, conversation?: { __typename?: 'AssistantConversation', id: string } | null } };

export type DeleteAssistantConversationMutationVariables = Types.Exact<{
  input: Types.DeleteAssistantConversationInput;
}>;


export type DeleteAssistantConversationMutation = { __typename?: 'Mutation', deleteAssistantConversation: { __typename?: 'DeleteAssistantConversationResult', success: boolean, errors: Array<Types.AssistantConversationError> } };

export type SendAssistantMessageMutationVariables = Types.Exact<{
  input: Types.SendAssistantMessageInput;
}>;


export type SendAssistantMessageMutation = { __typename?: 'Mutation', sendAssistantMessage: { __typename?: 'SendAssistantMessageResult', success: boolean, errors: Array<Types.SendAssistantMessageError>, message?: { __typename?: 'AssistantMessage', id: string, role: Types.AssistantMessageRole, text: string, status: Types.AssistantMessageStatus, errorCode?: Types.AssistantErrorCode | null, errorMessage?: string | null, model?: string | null, modelCalls: number, inputTokens: number, outputTokens: number, cacheCreationInputTokens: number, cacheReadInputTokens: number, cost: string, firstEventSeq?: number | null, createdAt: string, feedback?: Types.AssistantFeedback | null, toolExecutions: Array<{ __typename?: 'AssistantToolExecution', id: string, toolUseId: string, name: string, tool?: Types.AssistantToolName | null, input: any, output?: any | null, success?: boolean | null, status: Types.AssistantToolExecutionStatus, durationMs?: number | null, createdAt: string, proposal?: { __typename?: 'AssistantWriteProposal', path: string, action: Types.AssistantWriteAction, size: number, diff?: string | null, rejectionReason?: string | null, resolvedAt?: string | null } | null }>, parts: Array<{ __typename?: 'AssistantMessagePart', text?: string | null, toolExecution?: { __typename?: 'AssistantToolExecution', id: string } | null }> } | null, conversation?: { __typename?: 'AssistantConversation', id: string, followUps: Array<string>, title: string, shared: boolean, isMine: boolean, ownerName: string, model: string, offlineModel: boolean, isRunning: boolean, lastEventSeq: number, lastAnswerHiddenFromModel?: string | null, inputTokens: number, outputTokens: number, cacheCreationInputTokens: number, cacheReadInputTokens: number, cost: string, updatedAt: string, editedQuestions: Array<{ __typename?: 'AssistantQuestionVersions', messageId: string, versions: Array<string> }>, verifiedAnswers: Array<{ __typename?: 'AssistantVerifiedAnswer', messageId: string, verifiedQueries: Array<{ __typename?: 'AssistantVerifiedQuery', id: string, question: string, verifiedBy?: { __typename?: 'User', email: string } | null }> }>, workspace: { __typename?: 'Workspace', slug: string, name: string }, pendingApprovals: Array<{ __typename?: 'AssistantToolExecution', id: string, toolUseId: string, name: string, tool?: Types.AssistantToolName | null, input: any, output?: any | null, success?: boolean | null, status: Types.AssistantToolExecutionStatus, durationMs?: number | null, createdAt: string, proposal?: { __typename?: 'AssistantWriteProposal', path: string, action: Types.AssistantWriteAction, size: number, diff?: string | null, rejectionReason?: string | null, resolvedAt?: string | null } | null }>, summaries: Array<{ __typename?: 'AssistantConversationSummary', id: string, text: string, lastMessageId: string, hiddenFromModel: boolean }> } | null } };

export type CancelAssistantRunMutationVariables = Types.Exact<{
  conversationId: Types.Scalars['UUID']['input'];
}>;


export type CancelAssistantRunMutation = { __typename?: 'Mutation', cancelAssistantRun: { __typename?: 'CancelAssistantRunResult', success: boolean, errors: Array<Types.CancelAssistantRunError>, conversation?: { __typename?: 'AssistantConversation', id: string, isRunning: boolean } | null } };

export type ApproveAssistantToolExecutionMutationVariables = Types.Exact<{
  id: Types.Scalars['UUID']['input'];
}>;


export type ApproveAssistantToolExecutionMutation = { __typename?: 'Mutation', approveAssistantToolExecution: { __typename?: 'ResolveAssistantToolExecutionResult', success: boolean, errors: Array<Types.ResolveAssistantToolExecutionError>, toolExecution?: { __typename?: 'AssistantToolExecution', id: string, toolUseId: string, name: string, tool?: Types.AssistantToolName | null, input: any, output?: any | null, success?: boolean | null, status: Types.AssistantToolExecutionStatus, durationMs?: number | null, createdAt: string, proposal?: { __typename?: 'AssistantWriteProposal', path: string, action: Types.AssistantWriteAction, size: number, diff?: string | null, rejectionReason?: string | null, resolvedAt?: string | null } | null } | null } };

export type RejectAssistantToolExecutionMutationVariables = Types.Exact<{
  id: Types.Scalars['UUID']['input'];
  reason?: Types.InputMaybe<Types.Scalars['String']['input']>;
}>;


export type RejectAssistantToolExecutionMutation = { __typename?: 'Mutation', rejectAssistantToolExecution: { __typename?: 'ResolveAssistantToolExecutionResult', success: boolean, errors: Array<Types.ResolveAssistantToolExecutionError>, toolExecution?: { __typename?: 'AssistantToolExecution', id: string, toolUseId: string, name: string, tool?: Types.AssistantToolName | null, input: any, output?: any | null, success?: boolean | null, status: Types.AssistantToolExecutionStatus, durationMs?: number | null, createdAt: string, proposal?: { __typename?: 'AssistantWriteProposal', path: string, action: Types.AssistantWriteAction, size: number, diff?: string | null, rejectionReason?: string | null, resolvedAt?: string | null } | null } | null } };

export type AnswerAssistantQuestionMutationVariables = Types.Exact<{
  input: Types.AnswerAssistantQuestionInput;
}>;


export type AnswerAssistantQuestionMutation = { __typename?: 'Mutation', answerAssistantQuestion: { __typename?: 'AnswerAssistantQuestionResult', success: boolean, errors: Array<Types.AnswerAssistantQuestionError>, toolExecution?: { __typename?: 'AssistantToolExecution', id: string, toolUseId: string, name: string, tool?: Types.AssistantToolName | null, input: any, output?: any | null, success?: boolean | null, status: Types.AssistantToolExecutionStatus, durationMs?: number | null, createdAt: string, proposal?: { __typename?: 'AssistantWriteProposal', path: string, action: Types.AssistantWriteAction, size: number, diff?: string | null, rejectionReason?: string | null, resolvedAt?: string | null } | null } | null } };

export type SwitchAssistantBranchMutationVariables = Types.Exact<{
  input: Types.SwitchAssistantBranchInput;
}>;


export type SwitchAssistantBranchMutation = { __typename?: 'Mutation', switchAssistantBranch: { __typename?: 'SwitchAssistantBranchResult', success: boolean, errors: Array<Types.SwitchAssistantBranchError> } };


export const CreateAssistantConversationDocument = gql`
    mutation CreateAssistantConversation($input: CreateAssistantConversationInput!) {
  createAssistantConversation(input: $input) {
    success
    errors
    conversation {
      id
      ...ConversationList_conversation
    }
  }
}
    ${ConversationList_ConversationFragmentDoc}`;
export type CreateAssistantConversationMutationFn = Apollo.MutationFunction<CreateAssistantConversationMutation, CreateAssistantConversationMutationVariables>;

/**
 * __useCreateAssistantConversationMutation__
 *
 * To run a mutation, you first call `useCreateAssistantConversationMutation` within a React component and pass it any options that fit your needs.
 * When your component renders, `useCreateAssistantConversationMutation` returns a tuple that includes:
 * - A mutate function that you can call at any time to execute the mutation
 * - An object with fields that represent the current status of the mutation's execution
 *
 * @param baseOptions options that will be passed into the mutation, supported options are listed on: https://www.apollographql.com/docs/react/api/react-hooks/#options-2;
 *
 * @example
 * const [createAssistantConversationMutation, { data, loading, error }] = useCreateAssistantConversationMutation({
 *   variables: {
 *      input: // value for 'input'
 *   },
 * });
 */
export function useCreateAssistantConversationMutation(baseOptions?: Apollo.MutationHookOptions<CreateAssistantConversationMutation, CreateAssistantConversationMutationVariables>) {
        const options = {...defaultOptions, ...baseOptions}
        return Apollo.useMutation<CreateAssistantConversationMutation, CreateAssistantConversationMutationVariables>(CreateAssistantConversationDocument, options);
      }
export type CreateAssistantConversationMutationHookResult = ReturnType<typeof useCreateAssistantConversationMutation>;
export type CreateAssistantConversationMutationResult = Apollo.MutationResult<CreateAssistantConversationMutation>;
export type CreateAssistantConversationMutationOptions = Apollo.BaseMutationOptions<CreateAssistantConversationMutation, CreateAssistantConversationMutationVariables>;
export const RenameAssistantConversationDocument = gql`
    mutation RenameAssistantConversation($input: RenameAssistantConversationInput!) {
  renameAssistantConversation(input: $input) {
    success
    errors
    conversation {
      id
      title
      updatedAt
    }
  }
}
    `;
export type RenameAssistantConversationMutationFn = Apollo.MutationFunction<RenameAssistantConversationMutation, RenameAssistantConversationMutationVariables>;

/**
 * __useRenameAssistantConversationMutation__
 *
 * To run a mutation, you first call `useRenameAssistantConversationMutation` within a React component and pass it any options that fit your needs.
 * When your component renders, `useRenameAssistantConversationMutation` returns a tuple that includes:
 * - A mutate function that you can call at any time to execute the mutation
 * - An object with fields that represent the current status of the mutation's execution
 *
 * @param baseOptions options that will be passed into the mutation, supported options are listed on: https://www.apollographql.com/docs/react/api/react-hooks/#options-2;
 *
 * @example
 * const [renameAssistantConversationMutation, { data, loading, error }] = useRenameAssistantConversationMutation({
 *   variables: {
 *      input: // value for 'input'
 *   },
 * });
 */
export function useRenameAssistantConversationMutation(baseOptions?: Apollo.MutationHookOptions<RenameAssistantConversationMutation, RenameAssistantConversationMutationVariables>) {
        const options = {...defaultOptions, ...baseOptions}
        return Apollo.useMutation<RenameAssistantConversationMutation, RenameAssistantConversationMutationVariables>(RenameAssistantConversationDocument, options);
      }
export type RenameAssistantConversationMutationHookResult = ReturnType<typeof useRenameAssistantConversationMutation>;
export type RenameAssistantConversationMutationResult = Apollo.MutationResult<RenameAssistantConversationMutation>;
export type RenameAssistantConversationMutationOptions = Apollo.BaseMutationOptions<RenameAssistantConversationMutation, RenameAssistantConversationMutationVariables>;
export const ShareAssistantConversationDocument = gql`
    mutation ShareAssistantConversation($input: ShareAssistantConversationInput!) {
  shareAssistantConversation(input: $input) {
    success
    errors
    conversation {
      id
      shared
    }
  }
}
    `;
export type ShareAssistantConversationMutationFn = Apollo.MutationFunction<ShareAssistantConversationMutation, ShareAssistantConversationMutationVariables>;

/**
 * __useShareAssistantConversationMutation__
 *
 * To run a mutation, you first call `useShareAssistantConversationMutation` within a React component and pass it any options that fit your needs.
 * When your component renders, `useShareAssistantConversationMutation` returns a tuple that includes:
 * - A mutate function that you can call at any time to execute the mutation
 * - An object with fields that represent the current status of the mutation's execution
 *
 * @param baseOptions options that will be passed into the mutation, supported options are listed on: https://www.apollographql.com/docs/react/api/react-hooks/#options-2;
 *
 * @example
 * const [shareAssistantConversationMutation, { data, loading, error }] = useShareAssistantConversationMutation({
 *   variables: {
 *      input: // value for 'input'
 *   },
 * });
 */
export function useShareAssistantConversationMutation(baseOptions?: Apollo.MutationHookOptions<ShareAssistantConversationMutation, ShareAssistantConversationMutationVariables>) {
        const options = {...defaultOptions, ...baseOptions}
        return Apollo.useMutation<ShareAssistantConversationMutation, ShareAssistantConversationMutationVariables>(ShareAssistantConversationDocument, options);
      }
export type ShareAssistantConversationMutationHookResult = ReturnType<typeof useShareAssistantConversationMutation>;
export type ShareAssistantConversationMutationResult = Apollo.MutationResult<ShareAssistantConversationMutation>;
export type ShareAssistantConversationMutationOptions = Apollo.BaseMutationOptions<ShareAssistantConversationMutation, ShareAssistantConversationMutationVariables>;
export const ContinueAssistantConversationDocument = gql`
    mutation ContinueAssistantConversation($input: ContinueAssistantConversationInput!) {
  continueAssistantConversation(input: $input) {
    success
    errors
    conversation {
      id
    }
  }
}
    `;
export type ContinueAssistantConversationMutationFn = Apollo.MutationFunction<ContinueAssistantConversationMutation, ContinueAssistantConversationMutationVariables>;

/**
 * __useContinueAssistantConversationMutation__
 *
 * To run a mutation, you first call `useContinueAssistantConversationMutation` within a React component and pass it any options that fit your needs.
 * When your component renders, `useContinueAssistantConversationMutation` returns a tuple that includes:
 * - A mutate function that you can call at any time to execute the mutation
 * - An object with fields that represent the current status of the mutation's execution
 *
 * @param baseOptions options that will be passed into the mutation, supported options are listed on: https://www.apollographql.com/docs/react/api/react-hooks/#options-2;
 *
 * @example
 * const [continueAssistantConversationMutation, { data, loading, error }] = useContinueAssistantConversationMutation({
 *   variables: {
 *      input: // value for 'input'
 *   },
 * });
 */
export function useContinueAssistantConversationMutation(baseOptions?: Apollo.MutationHookOptions<ContinueAssistantConversationMutation, ContinueAssistantConversationMutationVariables>) {
        const options = {...defaultOptions, ...baseOptions}
        return Apollo.useMutation<ContinueAssistantConversationMutation, ContinueAssistantConversationMutationVariables>(ContinueAssistantConversationDocument, options);
      }
export type ContinueAssistantConversationMutationHookResult = ReturnType<typeof useContinueAssistantConversationMutation>;
export type ContinueAssistantConversationMutationResult = Apollo.MutationResult<ContinueAssistantConversationMutation>;
export type ContinueAssistantConversationMutationOptions = Apollo.BaseMutationOptions<ContinueAssistantConversationMutation, ContinueAssistantConversationMutationVariables>;
export const DeleteAssistantConversationDocument = gql`
    mutation DeleteAssistantConversation($input: DeleteAssistantConversationInput!) {
  deleteAssistantConversation(input: $input) {
    success
    errors
  }
}
    `;
export type DeleteAssistantConversationMutationFn = Apollo.MutationFunction<DeleteAssistantConversationMutation, DeleteAssistantConversationMutationVariables>;

/**
 * __useDeleteAssistantConversationMutation__
 *
 * To run a mutation, you first call `useDeleteAssistantConversationMutation` within a React component and pass it any options that fit your needs.
 * When your component renders, `useDeleteAssistantConversationMutation` returns a tuple that includes:
 * - A mutate function that you can call at any time to execute the mutation
 * - An object with fields that represent the current status of the mutation's execution
 *
 * @param baseOptions options that will be passed into the mutation, supported options are listed on: https://www.apollographql.com/docs/react/api/react-hooks/#options-2;
 *
 * @example
 * const [deleteAssistantConversationMutation, { data, loading, error }] = useDeleteAssistantConversationMutation({
 *   variables: {
 *      input: // value for 'input'
 *   },
 * });
 */
export function useDeleteAssistantConversationMutation(baseOptions?: Apollo.MutationHookOptions<DeleteAssistantConversationMutation, DeleteAssistantConversationMutationVariables>) {
        const options = {...defaultOptions, ...baseOptions}
        return Apollo.useMutation<DeleteAssistantConversationMutation, DeleteAssistantConversationMutationVariables>(DeleteAssistantConversationDocument, options);
      }
export type DeleteAssistantConversationMutationHookResult = ReturnType<typeof useDeleteAssistantConversationMutation>;
export type DeleteAssistantConversationMutationResult = Apollo.MutationResult<DeleteAssistantConversationMutation>;
export type DeleteAssistantConversationMutationOptions = Apollo.BaseMutationOptions<DeleteAssistantConversationMutation, DeleteAssistantConversationMutationVariables>;
export const SendAssistantMessageDocument = gql`
    mutation SendAssistantMessage($input: SendAssistantMessageInput!) {
  sendAssistantMessage(input: $input) {
    success
    errors
    message {
      ...ChatMessage_message
    }
    conversation {
      ...AssistantChat_conversation
    }
  }
}
    ${ChatMessage_MessageFragmentDoc}
${AssistantChat_ConversationFragmentDoc}`;
export type SendAssistantMessageMutationFn = Apollo.MutationFunction<SendAssistantMessageMutation, SendAssistantMessageMutationVariables>;

/**
 * __useSendAssistantMessageMutation__
 *
 * To run a mutation, you first call `useSendAssistantMessageMutation` within a React component and pass it any options that fit your needs.
 * When your component renders, `useSendAssistantMessageMutation` returns a tuple that includes:
 * - A mutate function that you can call at any time to execute the mutation
 * - An object with fields that represent the current status of the mutation's execution
 *
 * @param baseOptions options that will be passed into the mutation, supported options are listed on: https://www.apollographql.com/docs/react/api/react-hooks/#options-2;
 *
 * @example
 * const [sendAssistantMessageMutation, { data, loading, error }] = useSendAssistantMessageMutation({
 *   variables: {
 *      input: // value for 'input'
 *   },
 * });
 */
export function useSendAssistantMessageMutation(baseOptions?: Apollo.MutationHookOptions<SendAssistantMessageMutation, SendAssistantMessageMutationVariables>) {
        const options = {...defaultOptions, ...baseOptions}
        return Apollo.useMutation<SendAssistantMessageMutation, SendAssistantMessageMutationVariables>(SendAssistantMessageDocument, options);
      }
export type SendAssistantMessageMutationHookResult = ReturnType<typeof useSendAssistantMessageMutation>;
export type SendAssistantMessageMutationResult = Apollo.MutationResult<SendAssistantMessageMutation>;
export type SendAssistantMessageMutationOptions = Apollo.BaseMutationOptions<SendAssistantMessageMutation, SendAssistantMessageMutationVariables>;
export const CancelAssistantRunDocument = gql`
    mutation CancelAssistantRun($conversationId: UUID!) {
  cancelAssistantRun(conversationId: $conversationId) {
    success
    errors
    conversation {
      id
      isRunning
    }
  }
}
    `;
export type CancelAssistantRunMutationFn = Apollo.MutationFunction<CancelAssistantRunMutation, CancelAssistantRunMutationVariables>;

/**
 * __useCancelAssistantRunMutation__
 *
 * To run a mutation, you first call `useCancelAssistantRunMutation` within a React component and pass it any options that fit your needs.
 * When your component renders, `useCancelAssistantRunMutation` returns a tuple that includes:
 * - A mutate function that you can call at any time to execute the mutation
 * - An object with fields that represent the current status of the mutation's execution
 *
 * @param baseOptions options that will be passed into the mutation, supported options are listed on: https://www.apollographql.com/docs/react/api/react-hooks/#options-2;
 *
 * @example
 * const [cancelAssistantRunMutation, { data, loading, error }] = useCancelAssistantRunMutation({
 *   variables: {
 *      conversationId: // value for 'conversationId'
 *   },
 * });
 */
export function useCancelAssistantRunMutation(baseOptions?: Apollo.MutationHookOptions<CancelAssistantRunMutation, CancelAssistantRunMutationVariables>) {
        const options = {...defaultOptions, ...baseOptions}
        return Apollo.useMutation<CancelAssistantRunMutation, CancelAssistantRunMutationVariables>(CancelAssistantRunDocument, options);
      }
export type CancelAssistantRunMutationHookResult = ReturnType<typeof useCancelAssistantRunMutation>;
export type CancelAssistantRunMutationResult = Apollo.MutationResult<CancelAssistantRunMutation>;
export type CancelAssistantRunMutationOptions = Apollo.BaseMutationOptions<CancelAssistantRunMutation, CancelAssistantRunMutationVariables>;
export const ApproveAssistantToolExecutionDocument = gql`
    mutation ApproveAssistantToolExecution($id: UUID!) {
  approveAssistantToolExecution(id: $id) {
    success
    errors
    toolExecution {
      ...ToolExecutionCard_execution
    }
  }
}
    ${ToolExecutionCard_ExecutionFragmentDoc}`;
export type ApproveAssistantToolExecutionMutationFn = Apollo.MutationFunction<ApproveAssistantToolExecutionMutation, ApproveAssistantToolExecutionMutationVariables>;

/**
 * __useApproveAssistantToolExecutionMutation__
 *
 * To run a mutation, you first call `useApproveAssistantToolExecutionMutation` within a React component and pass it any options that fit your needs.
 * When your component renders, `useApproveAssistantToolExecutionMutation` returns a tuple that includes:
 * - A mutate function that you can call at any time to execute the mutation
 * - An object with fields that represent the current status of the mutation's execution
 *
 * @param baseOptions options that will be passed into the mutation, supported options are listed on: https://www.apollographql.com/docs/react/api/react-hooks/#options-2;
 *
 * @example
 * const [approveAssistantToolExecutionMutation, { data, loading, error }] = useApproveAssistantToolExecutionMutation({
 *   variables: {
 *      id: // value for 'id'
 *   },
 * });
 */
export function useApproveAssistantToolExecutionMutation(baseOptions?: Apollo.MutationHookOptions<ApproveAssistantToolExecutionMutation, ApproveAssistantToolExecutionMutationVariables>) {
        const options = {...defaultOptions, ...baseOptions}
        return Apollo.useMutation<ApproveAssistantToolExecutionMutation, ApproveAssistantToolExecutionMutationVariables>(ApproveAssistantToolExecutionDocument, options);
      }
export type ApproveAssistantToolExecutionMutationHookResult = ReturnType<typeof useApproveAssistantToolExecutionMutation>;
export type ApproveAssistantToolExecutionMutationResult = Apollo.MutationResult<ApproveAssistantToolExecutionMutation>;
export type ApproveAssistantToolExecutionMutationOptions = Apollo.BaseMutationOptions<ApproveAssistantToolExecutionMutation, ApproveAssistantToolExecutionMutationVariables>;
export const RejectAssistantToolExecutionDocument = gql`
    mutation RejectAssistantToolExecution($id: UUID!, $reason: String) {
  rejectAssistantToolExecution(id: $id, reason: $reason) {
    success
    errors
    toolExecution {
      ...ToolExecutionCard_execution
    }
  }
}
    ${ToolExecutionCard_ExecutionFragmentDoc}`;
export type RejectAssistantToolExecutionMutationFn = Apollo.MutationFunction<RejectAssistantToolExecutionMutation, RejectAssistantToolExecutionMutationVariables>;

/**
 * __useRejectAssistantToolExecutionMutation__
 *
 * To run a mutation, you first call `useRejectAssistantToolExecutionMutation` within a React component and pass it any options that fit your needs.
 * When your component renders, `useRejectAssistantToolExecutionMutation` returns a tuple that includes:
 * - A mutate function that you can call at any time to execute the mutation
 * - An object with fields that represent the current status of the mutation's execution
 *
 * @param baseOptions options that will be passed into the mutation, supported options are listed on: https://www.apollographql.com/docs/react/api/react-hooks/#options-2;
 *
 * @example
 * const [rejectAssistantToolExecutionMutation, { data, loading, error }] = useRejectAssistantToolExecutionMutation({
 *   variables: {
 *      id: // value for 'id'
 *      reason: // value for 'reason'
 *   },
 * });
 */
export function useRejectAssistantToolExecutionMutation(baseOptions?: Apollo.MutationHookOptions<RejectAssistantToolExecutionMutation, RejectAssistantToolExecutionMutationVariables>) {
        const options = {...defaultOptions, ...baseOptions}
        return Apollo.useMutation<RejectAssistantToolExecutionMutation, RejectAssistantToolExecutionMutationVariables>(RejectAssistantToolExecutionDocument, options);
      }
export type RejectAssistantToolExecutionMutationHookResult = ReturnType<typeof useRejectAssistantToolExecutionMutation>;
export type RejectAssistantToolExecutionMutationResult = Apollo.MutationResult<RejectAssistantToolExecutionMutation>;
export type RejectAssistantToolExecutionMutationOptions = Apollo.BaseMutationOptions<RejectAssistantToolExecutionMutation, RejectAssistantToolExecutionMutationVariables>;
export const AnswerAssistantQuestionDocument = gql`
    mutation AnswerAssistantQuestion($input: AnswerAssistantQuestionInput!) {
  answerAssistantQuestion(input: $input) {
    success
    errors
    toolExecution {
      ...ToolExecutionCard_execution
    }
  }
}
    ${ToolExecutionCard_ExecutionFragmentDoc}`;
export type AnswerAssistantQuestionMutationFn = Apollo.MutationFunction<AnswerAssistantQuestionMutation, AnswerAssistantQuestionMutationVariables>;

/**
 * __useAnswerAssistantQuestionMutation__
 *
 * To run a mutation, you first call `useAnswerAssistantQuestionMutation` within a React component and pass it any options that fit your needs.
 * When your component renders, `useAnswerAssistantQuestionMutation` returns a tuple that includes:
 * - A mutate function that you can call at any time to execute the mutation
 * - An object with fields that represent the current status of the mutation's execution
 *
 * @param baseOptions options that will be passed into the mutation, supported options are listed on: https://www.apollographql.com/docs/react/api/react-hooks/#options-2;
 *
 * @example
 * const [answerAssistantQuestionMutation, { data, loading, error }] = useAnswerAssistantQuestionMutation({
 *   variables: {
 *      input: // value for 'input'
 *   },
 * });
 */
export function useAnswerAssistantQuestionMutation(baseOptions?: Apollo.MutationHookOptions<AnswerAssistantQuestionMutation, AnswerAssistantQuestionMutationVariables>) {
        const options = {...defaultOptions, ...baseOptions}
        return Apollo.useMutation<AnswerAssistantQuestionMutation, AnswerAssistantQuestionMutationVariables>(AnswerAssistantQuestionDocument, options);
      }
export type AnswerAssistantQuestionMutationHookResult = ReturnType<typeof useAnswerAssistantQuestionMutation>;
export type AnswerAssistantQuestionMutationResult = Apollo.MutationResult<AnswerAssistantQuestionMutation>;
export type AnswerAssistantQuestionMutationOptions = Apollo.BaseMutationOptions<AnswerAssistantQuestionMutation, AnswerAssistantQuestionMutationVariables>;
export const SwitchAssistantBranchDocument = gql`
    mutation SwitchAssistantBranch($input: SwitchAssistantBranchInput!) {
  switchAssistantBranch(input: $input) {
    success
    errors
  }
}
    `;
export type SwitchAssistantBranchMutationFn = Apollo.MutationFunction<SwitchAssistantBranchMutation, SwitchAssistantBranchMutationVariables>;

/**
 * __useSwitchAssistantBranchMutation__
 *
 * To run a mutation, you first call `useSwitchAssistantBranchMutation` within a React component and pass it any options that fit your needs.
 * When your component renders, `useSwitchAssistantBranchMutation` returns a tuple that includes:
 * - A mutate function that you can call at any time to execute the mutation
 * - An object with fields that represent the current status of the mutation's execution
 *
 * @param baseOptions options that will be passed into the mutation, supported options are listed on: https://www.apollographql.com/docs/react/api/react-hooks/#options-2;
 *
 * @example
 * const [switchAssistantBranchMutation, { data, loading, error }] = useSwitchAssistantBranchMutation({
 *   variables: {
 *      input: // value for 'input'
 *   },
 * });
 */
export function useSwitchAssistantBranchMutation(baseOptions?: Apollo.MutationHookOptions<SwitchAssistantBranchMutation, SwitchAssistantBranchMutationVariables>) {
        const options = {...defaultOptions, ...baseOptions}
        return Apollo.useMutation<SwitchAssistantBranchMutation, SwitchAssistantBranchMutationVariables>(SwitchAssistantBranchDocument, options);
      }
export type SwitchAssistantBranchMutationHookResult = ReturnType<typeof useSwitchAssistantBranchMutation>;
export type SwitchAssistantBranchMutationResult = Apollo.MutationResult<SwitchAssistantBranchMutation>;
export type SwitchAssistantBranchMutationOptions = Apollo.BaseMutationOptions<SwitchAssistantBranchMutation, SwitchAssistantBranchMutationVariables>;