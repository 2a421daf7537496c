import * as Types from '../../../graphql/types';

import { gql } from '@apollo/client';
export type UsageSummary_UsageFragment = { __typename?: 'MyAssistantUsage', limit?: string | null, resetsAt: string, totals: { __typename?: 'AssistantUsageTotals', cost: string } };

export const UsageSummary_UsageFragmentDoc = gql`
    fragment UsageSummary_usage on MyAssistantUsage {
  totals {
    cost
  }
  limit
  resetsAt
}
    `;