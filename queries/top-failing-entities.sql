-- 2.2: the five IAM entities with the most authorization failures.
SELECT useridentity.arn, count(*) AS total
FROM cloudtrail
WHERE errorcode IN ('AccessDenied', 'Client.UnauthorizedOperation', 'Client.InvalidPermission.NotFound', 'Client.OperationNotPermitted')
  AND useridentity.arn LIKE '%iam%'
GROUP BY useridentity.arn
ORDER BY total DESC
LIMIT 5
