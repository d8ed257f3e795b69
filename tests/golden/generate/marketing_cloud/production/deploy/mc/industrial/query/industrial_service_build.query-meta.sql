SELECT
  [s].[Customer_Number__c] AS [Subscriber_Key],
  [s].[Email] AS [Email],
  [s].[FirstName] AS [First_Name],
  [s].[LastName] AS [Last_Name],
  LEFT([s].[Preferred_Language__c], 5) AS [Language]
FROM ENT.[Contact_Salesforce] AS [s]
WHERE
  [s].[Brand__c] = 'Solvis Industrial'
  AND NOT [s].[Email] IS NULL
  AND NOT [s].[Customer_Number__c] IS NULL
  AND EXISTS(
    SELECT
      1
    FROM ENT.[_Subscribers] AS [c]
    WHERE
      [c].[SubscriberKey] = [s].[Customer_Number__c] AND [c].[Status] IN ('Active')
  )
  AND (
    [s].[HasOptedOutOfEmail] IS NULL OR NOT [s].[HasOptedOutOfEmail] = 1
  )
