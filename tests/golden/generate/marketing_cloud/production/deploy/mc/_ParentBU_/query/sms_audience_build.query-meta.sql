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
  LEFT([s].[Brand__c], 20) AS [Brand],
  LEFT([s].[Preferred_Language__c], 5) AS [Language]
FROM [Contact_Salesforce] AS [s]
WHERE
  [s].[IsPersonAccount] = 1
  AND NOT [s].[MobilePhone] IS NULL
  AND NOT [s].[Customer_Number__c] IS NULL
  AND (
    [s].[SMS_Opt_Out__c] IS NULL OR NOT [s].[SMS_Opt_Out__c] = 1
  )
