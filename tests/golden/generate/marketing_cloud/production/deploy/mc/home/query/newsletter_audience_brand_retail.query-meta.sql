SELECT
  [s].[Customer_Number] AS [Subscriber_Key],
  [s].[Email] AS [Email],
  [s].[First_Name] AS [First_Name],
  [s].[Country] AS [Country]
FROM ENT.[Customers (legacy master)] AS [s]
WHERE
  [s].[Brand] = 'Solvis Home'
  AND [s].[Email_Opt_Out] = 0
  AND NOT [s].[Email] IS NULL
  AND NOT [s].[Customer_Number] IS NULL
  AND EXISTS(
    SELECT
      1
    FROM ENT.[_Subscribers] AS [c]
    WHERE
      [c].[SubscriberKey] = [s].[Customer_Number] AND [c].[Status] IN ('Active')
  )
  AND NOT EXISTS(
    SELECT
      1
    FROM ENT.[_BusinessUnitUnsubscribes] AS [c]
    WHERE
      [c].[SubscriberKey] = [s].[Customer_Number] AND [c].[BusinessUnitID] = 514012002
  )
