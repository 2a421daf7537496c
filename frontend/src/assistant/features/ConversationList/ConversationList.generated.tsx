import * as Types from '../../../graphql/types';

import { gql } from '@apollo/client';
export type ConversationList_ConversationFragment = { __typename?: 'AssistantConversation', id: string, title: string, cost: string, inputTokens: number, outputTokens: number, cacheCreationInputTokens: number, cacheReadInputTokens: number, isRunning: boolean, createdAt: string, updatedAt: string, searchExcerpt?: string | null };

export const ConversationList_ConversationFragmentDoc = gql`
    fragment ConversationList_conversation on AssistantConversation {
  id
  title
  cost
  inputTokens
  outputTokens
  cacheCreationInputTokens
  cacheReadInputTokens
  isRunning
  createdAt
  updatedAt
  searchExcerpt
}
    `;