import * as Types from '../../../graphql/types';

import { gql } from '@apollo/client';
import * as Apollo from '@apollo/client';
const defaultOptions = {} as const;
export type AssistantSettings_SettingsFragment = { __typename?: 'AssistantSettings', instructions: string, maxInstructionsLength: number, model: string, retiredModel?: string | null, enabledTools: Array<Types.AssistantToolName>, availableTools: Array<Types.AssistantToolName>, sendRowsToModel: boolean, followUps: boolean, canManage: boolean, updatedAt?: string | null, availableModels: Array<{ __typename?: 'AssistantModel', id: string, name: string, inputPrice: string, outputPrice: string }>, promptTemplates: Array<{ __typename?: 'AssistantPromptTemplate', id: string, title: string, text: string }>, changes: Array<{ __typename?: 'AssistantSettingsChange', id: string, createdAt: string, changes: any, user?: { __typename?: 'User', email: string } | null }> };

export type AssistantSettingsQueryVariables = Types.Exact<{
  slug: Types.Scalars['String']['input'];
}>;


export type AssistantSettingsQuery = { __typename?: 'Query', workspace?: { __typename?: 'Workspace', slug: string, name: string, assistantSettings?: { __typename?: 'AssistantSettings', instructions: string, maxInstructionsLength: number, model: string, retiredModel?: string | null, enabledTools: Array<Types.AssistantToolName>, availableTools: Array<Types.AssistantToolName>, sendRowsToModel: boolean, followUps: boolean, canManage: boolean, updatedAt?: string | null, availableModels: Array<{ __typename?: 'AssistantModel', id: string, name: string, inputPrice: string, outputPrice: string }>, promptTemplates: Array<{ __typename?: 'AssistantPromptTemplate', id: string, title: string, text: string }>, changes: Array<{ __typename?: 'AssistantSettingsChange', id: string, createdAt: string, changes: any, user?: { __typename?: 'User', email: string } | null }> } | null } | null };

export type UpdateAssistantSettingsMutationVariables = Types.Exact<{
  input: Types.UpdateAssistantSettingsInput;
}>;


export type UpdateAssistantSettingsMutation = { __typename?: 'Mutation', updateAssistantSettings: { __typename?: 'UpdateAssistantSettingsResult', success: boolean, errors: Array<Types.AssistantSettingsError>, settings?: { __typename?: 'AssistantSettings', instructions: string, maxInstructionsLength: number, model: string, retiredModel?: string | null, enabledTools: Array<Types.AssistantToolName>, availableTools: Array<Types.AssistantToolName>, sendRowsToModel: boolean, followUps: boolean, canManage: boolean, updatedAt?: string | null, availableModels: Array<{ __typename?: 'AssistantModel', id: string, name: string, inputPrice: string, outputPrice: string }>, promptTemplates: Array<{ __typename?: 'AssistantPromptTemplate', id: string, title: string, text: string }>, changes: Array<{ __typename?: 'AssistantSettingsChange', id: string, createdAt: string, changes: any, user?: { __typename?: 'User', email: string } | null }> } | null } };

export type CreateAssistantPromptTemplateMutationVariables = Types.Exact<{
  input: Types.CreateAssistantPromptTemplateInput;
}>;


export type CreateAssistantPromptTemplateMutation = { __typename?: 'Mutation', createAssistantPromptTemplate: { __typename?: 'AssistantPromptTemplateResult', success: boolean, errors: Array<Types.AssistantSettingsError>, promptTemplate?: { __typename?: 'AssistantPromptTemplate', id: string, title: string, text: string } | null } };

export type UpdateAssistantPromptTemplateMutationVariables = Types.Exact<{
  input: Types.UpdateAssistantPromptTemplateInput;
}>;


export type UpdateAssistantPromptTemplateMutation = { __typename?: 'Mutation', updateAssistantPromptTemplate: { __typename?: 'AssistantPromptTemplateResult', success: boolean, errors: Array<Types.AssistantSettingsError>, promptTemplate?: { __typename?: 'AssistantPromptTemplate', id: string, title: string, text: string } | null } };

export type DeleteAssistantPromptTemplateMutationVariables = Types.Exact<{
  input: Types.DeleteAssistantPromptTemplateInput;
}>;


export type DeleteAssistantPromptTemplateMutation = { __typename?: 'Mutation', deleteAssistantPromptTemplate: { __typename?: 'DeleteAssistantPromptTemplateResult', success: boolean, errors: Array<Types.AssistantSettingsError> } };

export const AssistantSettings_SettingsFragmentDoc = gql`
    fragment AssistantSettings_settings on AssistantSettings {
  instructions
  maxInstructionsLength
  model
  retiredModel
  enabledTools
  availableTools
  sendRowsToModel
  followUps
  canManage
  updatedAt
  availableModels {
    id
    name
    inputPrice
    outputPrice
  }
  promptTemplates {
    id
    title
    text
  }
  changes(limit: 50) {
    id
    createdAt
    changes
    user {
      email
    }
  }
}
    `;
export const AssistantSettingsDocument = gql`
    query AssistantSettings($slug: String!) {
  workspace(slug: $slug) {
    slug
    name
    assistantSettings {
      ...AssistantSettings_settings
    }
  }
}
    ${AssistantSettings_SettingsFragmentDoc}`;

/**
 * __useAssistantSettingsQuery__
 *
 * To run a query within a React component, call `useAssistantSettingsQuery` and pass it any options that fit your needs.
 * When your component renders, `useAssistantSettingsQuery` returns an object from Apollo Client that contains loading, error, and data properties
 * you can use to render your UI.
 *
 * @param baseOptions options that will be passed into the query, supported options are listed on: https://www.apollographql.com/docs/react/api/react-hooks/#options;
 *
 * @example
 * const { data, loading, error } = useAssistantSettingsQuery({
 *   variables: {
 *      slug: // value for 'slug'
 *   },
 * });
 */
export function useAssistantSettingsQuery(baseOptions: Apollo.QueryHookOptions<AssistantSettingsQuery, AssistantSettingsQueryVariables> & ({ variables: AssistantSettingsQueryVariables; skip?: boolean; } | { skip: boolean; }) ) {
        const options = {...defaultOptions, ...baseOptions}
        return Apollo.useQuery<AssistantSettingsQuery, AssistantSettingsQueryVariables>(AssistantSettingsDocument, options);
      }
export function useAssistantSettingsLazyQuery(baseOptions?: Apollo.LazyQueryHookOptions<AssistantSettingsQuery, AssistantSettingsQueryVariables>) {
          const options = {...defaultOptions, ...baseOptions}
          return Apollo.useLazyQuery<AssistantSettingsQuery, AssistantSettingsQueryVariables>(AssistantSettingsDocument, options);
        }
// @ts-ignore
export function useAssistantSettingsSuspenseQuery(baseOptions?: Apollo.SuspenseQueryHookOptions<AssistantSettingsQuery, AssistantSettingsQueryVariables>): Apollo.UseSuspenseQueryResult<AssistantSettingsQuery, AssistantSettingsQueryVariables>;
export function useAssistantSettingsSuspenseQuery(baseOptions?: Apollo.SkipToken | Apollo.SuspenseQueryHookOptions<AssistantSettingsQuery, AssistantSettingsQueryVariables>): Apollo.UseSuspenseQueryResult<AssistantSettingsQuery | undefined, AssistantSettingsQueryVariables>;
export function useAssistantSettingsSuspenseQuery(baseOptions?: Apollo.SkipToken | Apollo.SuspenseQueryHookOptions<AssistantSettingsQuery, AssistantSettingsQueryVariables>) {
          const options = baseOptions === Apollo.skipToken ? baseOptions : {...defaultOptions, ...baseOptions}
          return Apollo.useSuspenseQuery<AssistantSettingsQuery, AssistantSettingsQueryVariables>(AssistantSettingsDocument, options);
        }
export type AssistantSettingsQueryHookResult = ReturnType<typeof useAssistantSettingsQuery>;
export type AssistantSettingsLazyQueryHookResult = ReturnType<typeof useAssistantSettingsLazyQuery>;
export type AssistantSettingsSuspenseQueryHookResult = ReturnType<typeof useAssistantSettingsSuspenseQuery>;
export type AssistantSettingsQueryResult = Apollo.QueryResult<AssistantSettingsQuery, AssistantSettingsQueryVariables>;
export const UpdateAssistantSettingsDocument = gql`
    mutation UpdateAssistantSettings($input: UpdateAssistantSettingsInput!) {
  updateAssistantSettings(input: $input) {
    success
    errors
    settings {
      ...AssistantSettings_settings
    }
  }
}
    ${AssistantSettings_SettingsFragmentDoc}`;
export type UpdateAssistantSettingsMutationFn = Apollo.MutationFunction<UpdateAssistantSettingsMutation, UpdateAssistantSettingsMutationVariables>;

/**
 * __useUpdateAssistantSettingsMutation__
 *
 * To run a mutation, you first call `useUpdateAssistantSettingsMutation` within a React component and pass it any options that fit your needs.
 * When your component renders, `useUpdateAssistantSettingsMutation` returns a tuple that includes:
 * - A mutate function that you can call at any time to execute the mutation
 * - An object with fields that represent the current status of the mutation's execution
 *
 * @param baseOptions options that will be passed into the mutation, supported options are listed on: https://www.apollographql.com/docs/react/api/react-hooks/#options-2;
 *
 * @example
 * const [updateAssistantSettingsMutation, { data, loading, error }] = useUpdateAssistantSettingsMutation({
 *   variables: {
 *      input: // value for 'input'
 *   },
 * });
 */
export function useUpdateAssistantSettingsMutation(baseOptions?: Apollo.MutationHookOptions<UpdateAssistantSettingsMutation, UpdateAssistantSettingsMutationVariables>) {
        const options = {...defaultOptions, ...baseOptions}
        return Apollo.useMutation<UpdateAssistantSettingsMutation, UpdateAssistantSettingsMutationVariables>(UpdateAssistantSettingsDocument, options);
      }
export type UpdateAssistantSettingsMutationHookResult = ReturnType<typeof useUpdateAssistantSettingsMutation>;
export type UpdateAssistantSettingsMutationResult = Apollo.MutationResult<UpdateAssistantSettingsMutation>;
export type UpdateAssistantSettingsMutationOptions = Apollo.BaseMutationOptions<UpdateAssistantSettingsMutation, UpdateAssistantSettingsMutationVariables>;
export const CreateAssistantPromptTemplateDocument = gql`
    mutation CreateAssistantPromptTemplate($input: CreateAssistantPromptTemplateInput!) {
  createAssistantPromptTemplate(input: $input) {
    success
    errors
    promptTemplate {
      id
      title
      text
    }
  }
}
    `;
export type CreateAssistantPromptTemplateMutationFn = Apollo.MutationFunction<CreateAssistantPromptTemplateMutation, CreateAssistantPromptTemplateMutationVariables>;

/**
 * __useCreateAssistantPromptTemplateMutation__
 *
 * To run a mutation, you first call `useCreateAssistantPromptTemplateMutation` within a React component and pass it any options that fit your needs.
 * When your component renders, `useCreateAssistantPromptTemplateMutation` returns a tuple that includes:
 * - A mutate function that you can call at any time to execute the mutation
 * - An object with fields that represent the current status of the mutation's execution
 *
 * @param baseOptions options that will be passed into the mutation, supported options are listed on: https://www.apollographql.com/docs/react/api/react-hooks/#options-2;
 *
 * @example
 * const [createAssistantPromptTemplateMutation, { data, loading, error }] = useCreateAssistantPromptTemplateMutation({
 *   variables: {
 *      input: // value for 'input'
 *   },
 * });
 */
export function useCreateAssistantPromptTemplateMutation(baseOptions?: Apollo.MutationHookOptions<CreateAssistantPromptTemplateMutation, CreateAssistantPromptTemplateMutationVariables>) {
        const options = {...defaultOptions, ...baseOptions}
        return Apollo.useMutation<CreateAssistantPromptTemplateMutation, CreateAssistantPromptTemplateMutationVariables>(CreateAssistantPromptTemplateDocument, options);
      }
export type CreateAssistantPromptTemplateMutationHookResult = ReturnType<typeof useCreateAssistantPromptTemplateMutation>;
export type CreateAssistantPromptTemplateMutationResult = Apollo.MutationResult<CreateAssistantPromptTemplateMutation>;
export type CreateAssistantPromptTemplateMutationOptions = Apollo.BaseMutationOptions<CreateAssistantPromptTemplateMutation, CreateAssistantPromptTemplateMutationVariables>;
export const UpdateAssistantPromptTemplateDocument = gql`
    mutation UpdateAssistantPromptTemplate($input: UpdateAssistantPromptTemplateInput!) {
  updateAssistantPromptTemplate(input: $input) {
    success
    errors
    promptTemplate {
      id
      title
      text
    }
  }
}
    `;
export type UpdateAssistantPromptTemplateMutationFn = Apollo.MutationFunction<UpdateAssistantPromptTemplateMutation, UpdateAssistantPromptTemplateMutationVariables>;

/**
 * __useUpdateAssistantPromptTemplateMutation__
 *
 * To run a mutation, you first call `useUpdateAssistantPromptTemplateMutation` within a React component and pass it any options that fit your needs.
 * When your component renders, `useUpdateAssistantPromptTemplateMutation` returns a tuple that includes:
 * - A mutate function that you can call at any time to execute the mutation
 * - An object with fields that represent the current status of the mutation's execution
 *
 * @param baseOptions options that will be passed into the mutation, supported options are listed on: https://www.apollographql.com/docs/react/api/react-hooks/#options-2;
 *
 * @example
 * const [updateAssistantPromptTemplateMutation, { data, loading, error }] = useUpdateAssistantPromptTemplateMutation({
 *   variables: {
 *      input: // value for 'input'
 *   },
 * });
 */
export function useUpdateAssistantPromptTemplateMutation(baseOptions?: Apollo.MutationHookOptions<UpdateAssistantPromptTemplateMutation, UpdateAssistantPromptTemplateMutationVariables>) {
        const options = {...defaultOptions, ...baseOptions}
        return Apollo.useMutation<UpdateAssistantPromptTemplateMutation, UpdateAssistantPromptTemplateMutationVariables>(UpdateAssistantPromptTemplateDocument, options);
      }
export type UpdateAssistantPromptTemplateMutationHookResult = ReturnType<typeof useUpdateAssistantPromptTemplateMutation>;
export type UpdateAssistantPromptTemplateMutationResult = Apollo.MutationResult<UpdateAssistantPromptTemplateMutation>;
export type UpdateAssistantPromptTemplateMutationOptions = Apollo.BaseMutationOptions<UpdateAssistantPromptTemplateMutation, UpdateAssistantPromptTemplateMutationVariables>;
export const DeleteAssistantPromptTemplateDocument = gql`
    mutation DeleteAssistantPromptTemplate($input: DeleteAssistantPromptTemplateInput!) {
  deleteAssistantPromptTemplate(input: $input) {
    success
    errors
  }
}
    `;
export type DeleteAssistantPromptTemplateMutationFn = Apollo.MutationFunction<DeleteAssistantPromptTemplateMutation, DeleteAssistantPromptTemplateMutationVariables>;

/**
 * __useDeleteAssistantPromptTemplateMutation__
 *
 * To run a mutation, you first call `useDeleteAssistantPromptTemplateMutation` within a React component and pass it any options that fit your needs.
 * When your component renders, `useDeleteAssistantPromptTemplateMutation` returns a tuple that includes:
 * - A mutate function that you can call at any time to execute the mutation
 * - An object with fields that represent the current status of the mutation's execution
 *
 * @param baseOptions options that will be passed into the mutation, supported options are listed on: https://www.apollographql.com/docs/react/api/react-hooks/#options-2;
 *
 * @example
 * const [deleteAssistantPromptTemplateMutation, { data, loading, error }] = useDeleteAssistantPromptTemplateMutation({
 *   variables: {
 *      input: // value for 'input'
 *   },
 * });
 */
export function useDeleteAssistantPromptTemplateMutation(baseOptions?: Apollo.MutationHookOptions<DeleteAssistantPromptTemplateMutation, DeleteAssistantPromptTemplateMutationVariables>) {
        const options = {...defaultOptions, ...baseOptions}
        return Apollo.useMutation<DeleteAssistantPromptTemplateMutation, DeleteAssistantPromptTemplateMutationVariables>(DeleteAssistantPromptTemplateDocument, options);
      }
export type DeleteAssistantPromptTemplateMutationHookResult = ReturnType<typeof useDeleteAssistantPromptTemplateMutation>;
export type DeleteAssistantPromptTemplateMutationResult = Apollo.MutationResult<DeleteAssistantPromptTemplateMutation>;
export type DeleteAssistantPromptTemplateMutationOptions = Apollo.BaseMutationOptions<DeleteAssistantPromptTemplateMutation, DeleteAssistantPromptTemplateMutationVariables>;