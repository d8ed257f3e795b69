SELECT
  [s].[Customer_Number__c] AS [Subscriber_Key],
  REPLACE(
    REPLACE(
      REPLACE(REPLACE(REPLACE(REPLACE([s].[MobilePhone], ' ', ''), '-', ''), '(', ''), ')', ''),
      '.',
      ''
    ),
    '/',
    ''
  ) AS [Mobile],
  [s].[FirstName] AS [First_Name],
  LEFT([s].[Preferred_Language__c], 5) AS [Language],
  [s].[Consent_WhatsApp__c] AS [WhatsApp_Opt_In]
FROM ENT.[Contact_Salesforce_1] AS [s]
WHERE
  [s].[Brand__c] = 'Solvis Moda'
  AND NOT [s].[MobilePhone] IS NULL
  AND NOT [s].[Customer_Number__c] IS NULL
  AND NOT [s].[Consent_WhatsApp__c] IS NULL
